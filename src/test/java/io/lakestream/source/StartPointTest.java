package io.lakestream.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.config.IngestSettings;
import io.lakestream.testing.TestConfigs;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartPointTest {

  @TempDir Path root;

  private final Configuration hadoopConf = new Configuration();

  private IngestSettings ingest(String start) {
    return TestConfigs.local(root, Map.of("ingest.start", start)).ingest();
  }

  private Path landed(String name, long modifiedMillis) throws Exception {
    Path file = Files.createDirectories(root.resolve("landing")).resolve(name);
    Files.writeString(file, "{}\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedMillis));
    return file;
  }

  private StartPoint establish(String start) {
    return StartPoint.establish(
        hadoopConf,
        root.resolve("checkpoint").toString(),
        root.resolve("landing").toString(),
        ingest(start));
  }

  @Test
  void newReadsOnlyFilesModifiedAfterTheNewestOneThereAndKeepsThatPointAfterwards()
      throws Exception {
    landed("a.json", 1_000_000);
    landed("_hidden.json", 9_000_000);
    landed("b.json", 2_000_000);

    StartPoint start = establish("new");

    assertThat(start.newerThanMillis()).isEqualTo(OptionalLong.of(2_000_000));
    assertThat(start.reads(2_000_000)).isFalse();
    assertThat(start.reads(2_000_001)).isTrue();
    landed("c.json", 5_000_000);
    // Decided once: ingest.start=all later, or new again with newer files, keeps it.
    assertThat(establish("all")).isEqualTo(start);
    assertThat(establish("new")).isEqualTo(start);
    assertThat(StartPoint.stored(hadoopConf, root.resolve("checkpoint").toString()))
        .isEqualTo(start);
    assertThat(start.filesLeftUnread(hadoopConf, root.resolve("landing").toString(), ingest("new")))
        .isEqualTo(2);
  }

  @Test
  void allStoresNothingAndNewOnACheckpointThatRanBeforeReadsEverything() throws Exception {
    landed("a.json", 1_000_000);
    assertThat(establish("all")).isEqualTo(StartPoint.ALL);
    assertThat(root.resolve("checkpoint/lakestream-start")).doesNotExist();

    Files.createDirectories(root.resolve("checkpoint/offsets"));
    Files.writeString(root.resolve("checkpoint/offsets/0"), "v1\n{}\n{}\n");
    assertThat(establish("new")).isEqualTo(StartPoint.ALL);
    assertThat(root.resolve("checkpoint/lakestream-start")).doesNotExist();
  }

  @Test
  void newOnAnEmptyLandingReadsEverythingFromThenOn() {
    StartPoint start = establish("new");
    assertThat(start).isEqualTo(StartPoint.ALL);
    assertThat(root.resolve("checkpoint/lakestream-start/0.json")).exists();
  }

  @Test
  void aDamagedStoredStartPointStopsTheStartInsteadOfReadingEveryFile() throws Exception {
    landed("a.json", 1_000_000);
    establish("new");
    Files.writeString(root.resolve("checkpoint/lakestream-start/0.json"), "{\"trunc");

    assertThatThrownBy(() -> establish("new"))
        .isInstanceOf(UncheckedIOException.class)
        .cause()
        .hasMessageContaining("0.json is damaged")
        .hasMessageContaining("restore it, or delete it with the bronze checkpoint");
  }
}

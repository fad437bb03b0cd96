package io.lakestream.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.storage.LocalLogStore;
import io.lakestream.fs.ForklessLocalFileSystem;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDeltaLogStoreTest {

  @TempDir java.nio.file.Path table;

  private final Configuration conf = hadoopConf();
  private Path log;

  private static Configuration hadoopConf() {
    Configuration conf = new Configuration(false);
    conf.set("fs.file.impl", ForklessLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  @BeforeEach
  void aLogWithCommitsChecksumsACheckpointAndHadoopsHiddenChecksums() throws Exception {
    java.nio.file.Path folder = Files.createDirectories(table.resolve("_delta_log"));
    for (String name :
        List.of(
            "00000000000000000000.json",
            "00000000000000000000.crc",
            "00000000000000000009.json",
            "00000000000000000010.checkpoint.parquet",
            "00000000000000000010.json",
            "00000000000000000010.crc",
            "00000000000000000011.json",
            "00000000000000000012.json",
            "_last_checkpoint",
            ".00000000000000000011.json.crc")) {
      Files.writeString(folder.resolve(name), name);
    }
    Files.createDirectories(folder.resolve("_staged_commits"));
    log = new Path(folder.toUri());
  }

  @Test
  void listsWhatDeltasOwnLocalStoreListsInTheSameOrder() throws Exception {
    for (String from :
        List.of(
            "00000000000000000000.json",
            "00000000000000000010.checkpoint.parquet",
            "00000000000000000011.json",
            "00000000000000000099.json")) {
      Path start = new Path(log, from);
      assertThat(details(new LocalDeltaLogStore(conf).listFrom(start, conf)))
          .as("listing from %s", from)
          .isEqualTo(details(new LocalLogStore(conf).listFrom(start, conf)));
    }
  }

  @Test
  void listsOnlyTheFilesAtOrAfterTheStartingName() throws Exception {
    Path start = new Path(log, "00000000000000000010.checkpoint.parquet");

    assertThat(names(new LocalDeltaLogStore(conf).listFrom(start, conf)))
        .containsExactly(
            "00000000000000000010.checkpoint.parquet",
            "00000000000000000010.crc",
            "00000000000000000010.json",
            "00000000000000000011.json",
            "00000000000000000012.json",
            "_last_checkpoint",
            "_staged_commits");
  }

  @Test
  void aFileDeletedSinceTheLastListingIsNotListedAndANewCommitIs() throws Exception {
    Path start = new Path(log, "00000000000000000010.");
    names(new LocalDeltaLogStore(conf).listFrom(start, conf));
    java.nio.file.Path folder = table.resolve("_delta_log");
    Files.delete(folder.resolve("00000000000000000011.json"));
    Files.writeString(folder.resolve("00000000000000000013.json"), "{}");

    assertThat(names(new LocalDeltaLogStore(conf).listFrom(start, conf)))
        .containsExactly(
            "00000000000000000010.checkpoint.parquet",
            "00000000000000000010.crc",
            "00000000000000000010.json",
            "00000000000000000012.json",
            "00000000000000000013.json",
            "_last_checkpoint",
            "_staged_commits");
  }

  @Test
  void aMissingLogFolderIsNotFoundAsInDelta() {
    Path start = new Path(new Path(table.resolve("no_table").toUri()), "_delta_log/0.json");

    assertThatThrownBy(() -> new LocalDeltaLogStore(conf).listFrom(start, conf))
        .isInstanceOf(FileNotFoundException.class);
  }

  private static List<String> names(Iterator<FileStatus> statuses) {
    List<String> names = new ArrayList<>();
    statuses.forEachRemaining(status -> names.add(status.getPath().getName()));
    return names;
  }

  /** Path, length, folder or not and modification time: what Delta reads from a listing. */
  private static List<String> details(Iterator<FileStatus> statuses) {
    List<String> details = new ArrayList<>();
    statuses.forEachRemaining(
        status ->
            details.add(
                status.getPath()
                    + " "
                    + status.getLen()
                    + " "
                    + status.isDirectory()
                    + " "
                    + status.getModificationTime()));
    return details;
  }
}

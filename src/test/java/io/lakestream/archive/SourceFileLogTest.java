package io.lakestream.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.source.SourceLogGeneration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files of a batch, as Spark's file source logs them (json4s's compact lines). */
class SourceFileLogTest {

  @TempDir Path checkpoint;

  private static String entry(String name, long timestamp, long batchId) {
    return "{\"path\":\"file:///landing/"
        + name
        + "\",\"timestamp\":"
        + timestamp
        + ",\"batchId\":"
        + batchId
        + "}";
  }

  private List<String> names(List<org.apache.hadoop.fs.Path> files) {
    return files.stream().map(org.apache.hadoop.fs.Path::getName).toList();
  }

  @Test
  void aCompactFileGivesOnlyTheLinesOfTheBatchAskedFor() throws Exception {
    Path log = Files.createDirectories(checkpoint.resolve("sources/0"));
    List<String> lines = new ArrayList<>(List.of("v1"));
    for (int batch = 0; batch <= 19; batch++) {
      lines.add(entry("f" + batch + "-a.json", 1000 + batch, batch));
      lines.add(entry("f" + batch + "-b.json", 2000 + batch, batch));
    }
    Files.write(log.resolve("19.compact"), lines);
    Files.write(log.resolve("1"), List.of("v1", lines.get(3), lines.get(4)));
    Files.write(log.resolve("20"), List.of("v1", entry("f20.json", 3000, 20)));
    FileSystem fs = FileSystem.getLocal(new Configuration());

    SourceLogGeneration generation =
        SourceLogGeneration.current(fs.getConf(), checkpoint.toString());
    SourceFileLog all = new SourceFileLog(fs, generation);
    assertThat(names(all.filesOf(1))).containsExactly("f1-a.json", "f1-b.json");
    assertThat(names(all.filesOf(19))).containsExactly("f19-a.json", "f19-b.json");
    assertThat(names(all.filesOf(20))).containsExactly("f20.json");

    // ingest.start: a file modified at or before the start point was listed but not read.
    SourceFileLog afterStart = new SourceFileLog(fs, generation, modified -> modified > 1500);
    assertThat(names(afterStart.filesOf(1))).containsExactly("f1-b.json");
  }
}

package io.lakestream.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.config.SqlText;
import io.lakestream.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta's log clean-up through the local log store: the same files go whether the store answers its
 * listing from version 0 by name (a log longer than the versions it remembers) or from the names it
 * holds.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LogCleanUpTest {

  private static final int CHECKPOINT_INTERVAL = 2;

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  @Test
  void deletesTheSameExpiredVersionsAsWhenEveryNameIsRemembered() throws Exception {
    Path byName = root.resolve("by-name");
    Path remembered = root.resolve("remembered");
    // Six versions remembered: the clean-up after version 8 lists from before them.
    LogFolderNames.keepVersions(byName.resolve(DeltaLogNames.LOG_FOLDER).toFile(), 6);

    for (Path table : List.of(byName, remembered)) {
      commitsUpTo(table, 7);
      // Versions 0 and 1 written three days ago: past the one day of log the table keeps.
      for (long version = 0; version < 2; version++) {
        age(table, DeltaLogNames.commit(version));
        age(table, DeltaLogNames.checksum(version));
        age(table, DeltaLogNames.checkpoint(version));
      }
      commitsUpTo(table, 8); // version 8 writes a checkpoint, then cleans the log up
    }

    List<String> left = logFiles(byName);
    assertThat(left).isEqualTo(logFiles(remembered));
    assertThat(left).doesNotContain(DeltaLogNames.commit(0)).contains(DeltaLogNames.commit(2));
    assertThat(spark.read().format("delta").load(byName.toString()).count()).isEqualTo(8);
  }

  /** Creates the table at its first call (version 0), then appends one row per version. */
  private void commitsUpTo(Path table, long lastVersion) throws IOException {
    Path log = table.resolve(DeltaLogNames.LOG_FOLDER);
    long next;
    if (!Files.exists(log)) {
      spark.sql(
          "CREATE TABLE delta."
              + SqlText.identifier(table.toString())
              + " (id BIGINT) USING delta TBLPROPERTIES ('delta.checkpointInterval' = '"
              + CHECKPOINT_INTERVAL
              + "', 'delta.logRetentionDuration' = 'interval 1 days',"
              + " 'delta.deletedFileRetentionDuration' = 'interval 1 days')");
      next = 1;
    } else {
      try (Stream<Path> files = Files.list(log)) {
        next = files.filter(f -> f.toString().endsWith(".json")).count();
      }
    }
    for (long version = next; version <= lastVersion; version++) {
      spark.range(1).write().format("delta").mode("append").save(table.toString());
    }
  }

  private static void age(Path table, String name) throws IOException {
    Path file = table.resolve(DeltaLogNames.LOG_FOLDER).resolve(name);
    if (Files.exists(file)) {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(3))));
    }
  }

  /** The log's files, without Hadoop's hidden checksums. */
  private static List<String> logFiles(Path table) throws IOException {
    try (Stream<Path> files = Files.list(table.resolve(DeltaLogNames.LOG_FOLDER))) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> !name.startsWith("."))
          .sorted()
          .toList();
    }
  }
}

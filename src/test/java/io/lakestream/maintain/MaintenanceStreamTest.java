package io.lakestream.maintain;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.app.Pipeline;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.table.BronzeTable;
import io.lakestream.table.DeltaTables;
import io.lakestream.table.Tables;
import io.lakestream.testing.ComparableRows;
import io.lakestream.testing.Events;
import io.lakestream.testing.SampleData;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance between two runs: fewer files, not one row changed, and the next run goes on exactly
 * once.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MaintenanceStreamTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  @Test
  void maintenanceCompactsVacuumsAndExpiresWithoutChangingAQueryResult() throws Exception {
    SampleData.land(root.resolve("landing"), SampleData.ALL);
    // Two files per micro-batch: two small files per layer. No file retention: VACUUM removes what
    // OPTIMIZE replaced.
    LakestreamConfig config =
        TestConfigs.local(
            root,
            Map.of(
                "ingest.max_files_per_trigger",
                "2",
                "maintain.file_retention",
                "0s",
                "archive.retention",
                "1d"));
    new Pipeline(spark, config).run();
    Map<String, List<String>> before = new HashMap<>();
    for (String table : Maintenance.TABLES) {
      before.put(table, ComparableRows.of(spark, root, table));
    }
    assertThat(properties(BronzeTable.NAME))
        .containsEntry("delta.autoOptimize.autoCompact", "true")
        .containsEntry("delta.logRetentionDuration", "interval 30 days")
        .containsEntry("delta.deletedFileRetentionDuration", "interval 0 seconds")
        .containsEntry("delta.setTransactionRetentionDuration", "interval 30 days");

    Path bronzeFolder = root.resolve("tables").resolve(BronzeTable.NAME);
    List<Long> bronzeFileSizesBefore = dataFileSizes(bronzeFolder);

    MaintenanceReport report = new Maintenance(spark, config, Clock.systemUTC()).passBetweenRuns();

    for (String table : Maintenance.TABLES) {
      assertThat(ComparableRows.of(spark, root, table)).as(table).isEqualTo(before.get(table));
    }
    assertThat(report.tables())
        .extracting(TableReport::table)
        .containsExactlyElementsOf(Maintenance.TABLES);
    TableReport bronze = report(report, BronzeTable.NAME);
    // Nothing was removed before the pass, so every data file in the folder was active.
    assertThat(bronze.activeFilesBefore()).isEqualTo(bronzeFileSizesBefore.size());
    assertThat(bronze.activeFilesAfter()).isEqualTo(1);
    assertThat(bronze.dataFilesBefore())
        .isEqualTo(bronze.activeFilesBefore()); // nothing removed before the pass
    assertThat(bronze.dataFilesAfter())
        .isEqualTo(1); // the files OPTIMIZE replaced were vacuumed at once
    assertThat(bronze.bytesRemoved())
        .isEqualTo(
            bronzeFileSizesBefore.stream().mapToLong(Long::longValue).sum()
                - dataFileSizes(bronzeFolder).stream().mapToLong(Long::longValue).sum());
    assertThat(report(report, Tables.PIPELINE_PROGRESS).rowsExpired())
        .isZero(); // every row is recent
    assertThat(report(report, BronzeTable.NAME).rowsExpired())
        .isEqualTo(-1); // not a table that expires
    assertThat(report.archivedFilesDeleted()).isZero(); // archived minutes ago, kept a day
    assertThat(report.render())
        .contains("bronze_events")
        .contains("archive: 0 files older than archive.retention deleted");

    // The queries read on across the compaction (a commit without data change) and the vacuum:
    // exactly once.
    long bronzeRows = count(BronzeTable.NAME);
    long silverRows = count(Tables.SILVER_EVENTS);
    Instant recent = Instant.now().minus(1, ChronoUnit.MINUTES);
    Events.land(
        root.resolve("landing"),
        "later.json",
        List.of(Events.event("after-maintenance", "u1", "click", recent)));
    new Pipeline(spark, config).run();
    assertThat(count(BronzeTable.NAME)).isEqualTo(bronzeRows + 1);
    assertThat(count(Tables.SILVER_EVENTS)).isEqualTo(silverRows + 1);
    assertThat(
            spark
                .table(config.catalog().tableIdentifier(Tables.SILVER_EVENTS))
                .select("event_id")
                .distinct()
                .count())
        .isEqualTo(silverRows + 1);

    // 400 days on: bookkeeping rows past maintain.progress_retention and archived files past
    // archive.retention go.
    long progressRows = count(Tables.PIPELINE_PROGRESS);
    long auditRows = count(Tables.AUDIT_BATCHES);
    long archiveLogRows = count(Tables.ARCHIVE_LOG);
    assertThat(archivedFiles()).hasSize(5);
    long archivedBytes = 0;
    for (Path file : archivedFiles()) {
      archivedBytes += Files.size(file);
    }
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(400)), ZoneOffset.UTC);

    MaintenanceReport aged = new Maintenance(spark, config, later).passDuringRun();

    assertThat(report(aged, Tables.PIPELINE_PROGRESS).rowsExpired())
        .isEqualTo(progressRows)
        .isPositive();
    assertThat(report(aged, Tables.AUDIT_BATCHES).rowsExpired()).isEqualTo(auditRows).isPositive();
    assertThat(count(Tables.PIPELINE_PROGRESS)).isZero();
    assertThat(count(Tables.AUDIT_BATCHES)).isZero();
    assertThat(aged.archivedFilesDeleted()).isEqualTo(5);
    assertThat(aged.archivedBytesDeleted()).isEqualTo(archivedBytes);
    assertThat(archivedFiles()).isEmpty();
    assertThat(count(Tables.ARCHIVE_LOG))
        .isEqualTo(archiveLogRows); // kept: a file landing again is still known
    assertThat(count(BronzeTable.NAME)).isEqualTo(bronzeRows + 1);
    // A second pass finds nothing more to delete (and reads only the moves since the last cutoff).
    DeltaTables tables = new DeltaTables(spark, config.catalog(), config.volume());
    assertThat(
            new ArchiveRetention(spark, config, tables)
                .deleteArchivedBefore(later.instant())
                .files())
        .isZero();
  }

  private static TableReport report(MaintenanceReport report, String table) {
    return report.tables().stream().filter(t -> t.table().equals(table)).findFirst().orElseThrow();
  }

  private long count(String table) {
    return spark
        .read()
        .format("delta")
        .load(root.resolve("tables").resolve(table).toString())
        .count();
  }

  private Map<String, String> properties(String table) {
    Map<String, String> properties = new HashMap<>();
    for (Row row :
        spark
            .sql("SHOW TBLPROPERTIES delta.`" + root.resolve("tables").resolve(table) + "`")
            .collectAsList()) {
      properties.put(row.getString(0), row.getString(1));
    }
    return properties;
  }

  /** The sizes of the Parquet data files under a table's folder (its Delta log not included). */
  private static List<Long> dataFileSizes(Path tableFolder) throws Exception {
    try (Stream<Path> files = Files.walk(tableFolder)) {
      List<Path> parquet =
          files
              .filter(file -> !file.toString().contains("_delta_log"))
              .filter(file -> file.getFileName().toString().endsWith(".parquet"))
              .toList();
      List<Long> sizes = new java.util.ArrayList<>();
      for (Path file : parquet) {
        sizes.add(Files.size(file));
      }
      return sizes;
    }
  }

  private List<Path> archivedFiles() throws Exception {
    try (Stream<Path> files = Files.walk(root.resolve("archive"))) {
      return files
          .filter(Files::isRegularFile)
          .filter(file -> !file.getFileName().toString().endsWith(".crc"))
          .toList();
    }
  }
}

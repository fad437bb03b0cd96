package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.config.LakestreamConfig;
import io.lakestream.table.BronzeTable;
import io.lakestream.table.Tables;
import io.lakestream.testing.SampleData;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The summary's totals are remembered per table with the commit they were read at, reused while
 * that commit is still the table's latest, and read again as soon as the table changes (a user's
 * DELETE included).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SummaryCacheStreamTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  @Test
  void totalsAreReusedUntilTheTableChanges() throws Exception {
    LakestreamConfig config = TestConfigs.local(root, Map.of("pipeline.stop_after", "bronze"));
    SampleData.land(root.resolve("landing"), "events-00001.json", "events-00002.json");
    RunSummary first = new Pipeline(spark, config).run().summary();
    assertThat(first.total(BronzeTable.NAME)).isEqualTo(150);
    assertThat(first.thisRun(BronzeTable.NAME)).isEqualTo(150);
    assertThat(first.files()).isEqualTo(2);
    assertThat(first.filesThisRun()).isEqualTo(2);
    Path file = root.resolve("checkpoints").resolve(SummaryCache.FILE_NAME);
    assertThat(file).exists();

    assertThat(first.figureSources())
        .as("new tables: their files are named by their commits, no Delta snapshot is read")
        .containsEntry(BronzeTable.NAME, SummaryCache.Source.APPENDED)
        .containsEntry(Tables.QUARANTINE_EVENTS, SummaryCache.Source.APPENDED)
        .containsEntry(Tables.AUDIT_BATCHES, SummaryCache.Source.APPENDED);

    RunSummary idle = summaryNow(config);
    assertThat(idle.total(BronzeTable.NAME)).isEqualTo(150);
    assertThat(idle.total(Tables.QUARANTINE_EVENTS))
        .isEqualTo(first.total(Tables.QUARANTINE_EVENTS))
        .isEqualTo(5);
    assertThat(idle.files()).isEqualTo(2);
    assertThat(idle.thisRun(BronzeTable.NAME)).isZero();
    assertThat(idle.filesThisRun()).isZero();
    assertThat(idle.archiving().archived()).isEqualTo(2);

    // A remembered total is taken as it is while the table's latest commit is the one it was read
    // at: proof that nothing was read, and the reason the entry carries the commit.
    String remembered = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(remembered).contains("\"rows\" : 150");
    edit(file, remembered.replace("\"rows\" : 150", "\"rows\" : 999"));
    assertThat(summaryNow(config).total(BronzeTable.NAME)).isEqualTo(999);

    // e0000001 is in the sample four times (a duplicate test case): 146 rows stay.
    spark.sql(
        "DELETE FROM "
            + config.catalog().tableIdentifier(BronzeTable.NAME)
            + " WHERE event_id = 'e0000001'");
    RunSummary afterDelete = summaryNow(config);
    assertThat(afterDelete.total(BronzeTable.NAME)).isEqualTo(146);
    assertThat(afterDelete.thisRun(BronzeTable.NAME)).isZero();
    assertThat(afterDelete.figureSources())
        .as("a DELETE removed files: the table is read whole")
        .containsEntry(BronzeTable.NAME, SummaryCache.Source.READ)
        .containsEntry(Tables.QUARANTINE_EVENTS, SummaryCache.Source.REMEMBERED);

    // A log checkpoint at every commit from here (the next one included): with nothing
    // remembered, the latest commit is found by name from the one _last_checkpoint names.
    spark.sql(
        "ALTER TABLE "
            + config.catalog().tableIdentifier(BronzeTable.NAME)
            + " SET TBLPROPERTIES ('delta.checkpointInterval' = '1')");
    Path bronzeLog = root.resolve("tables").resolve(BronzeTable.NAME).resolve("_delta_log");
    long latestVersion;
    try (java.util.stream.Stream<Path> names = Files.list(bronzeLog)) {
      latestVersion = names.filter(name -> name.toString().endsWith(".json")).count() - 1;
    }
    assertThat(bronzeLog.resolve("_last_checkpoint"))
        .content()
        .contains("\"version\":" + latestVersion);
    edit(file, "{ not json");
    assertThat(summaryNow(config).total(BronzeTable.NAME)).isEqualTo(146);
    assertThat(Files.readString(file, StandardCharsets.UTF_8))
        .contains("\"rows\" : 146")
        .contains("\"version\" : " + latestVersion);
  }

  @Test
  void rowsAppendedSinceTheLastSummaryAreAddedToItsTotals() throws Exception {
    LakestreamConfig config = TestConfigs.local(root, Map.of("pipeline.stop_after", "bronze"));
    SampleData.land(root.resolve("landing"), "events-00001.json", "events-00002.json");
    new Pipeline(spark, config).run();
    SampleData.land(root.resolve("landing"), "events-00003.json", "events-00004.json");

    RunSummary second = new Pipeline(spark, config).run().summary();

    assertThat(second.figureSources())
        .containsEntry(BronzeTable.NAME, SummaryCache.Source.APPENDED)
        .containsEntry(Tables.QUARANTINE_EVENTS, SummaryCache.Source.APPENDED)
        .containsEntry(Tables.AUDIT_BATCHES, SummaryCache.Source.APPENDED)
        .containsEntry(Tables.ARCHIVE_LOG, SummaryCache.Source.APPENDED);
    // The same figures a read of the whole tables gives.
    String bronze = config.catalog().tableIdentifier(BronzeTable.NAME);
    assertThat(second.total(BronzeTable.NAME))
        .isEqualTo(spark.table(bronze).count())
        .isEqualTo(300);
    assertThat(second.thisRun(BronzeTable.NAME)).isEqualTo(150);
    assertThat(second.files()).isEqualTo(4);
    assertThat(second.filesThisRun()).isEqualTo(2);
    assertThat(second.archiving().archived()).isEqualTo(4);
    assertThat(second.archiving().archivedThisRun()).isEqualTo(2);
    Map<String, Long> byReason = new java.util.TreeMap<>();
    spark
        .table(config.catalog().tableIdentifier(Tables.QUARANTINE_EVENTS))
        .groupBy("reason")
        .count()
        .collectAsList()
        .forEach(row -> byReason.put(row.getString(0), row.getLong(1)));
    assertThat(second.quarantinedByReason()).isEqualTo(byReason);
    assertThat(byReason.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10);
    assertThat(second.thisRun(Tables.QUARANTINE_EVENTS)).isEqualTo(5);
  }

  /**
   * Rewrites the file as a user would, without Hadoop's checksum beside it (which would no longer
   * match).
   */
  private static void edit(Path file, String text) throws Exception {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
  }

  private RunSummary summaryNow(LakestreamConfig config) {
    return RunSummary.collect(spark, config, Instant.now(), List.of(), 0, 0);
  }
}

package io.lakestream.observe;

import static io.lakestream.testing.TestTables.table;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.app.Pipeline;
import io.lakestream.app.PipelineRun;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.testing.SampleData;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * pipeline_progress against the queries' own progress, and a progress table that cannot be written.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ProgressStreamTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  @Test
  void progressRowsMatchTheQueriesOwnProgressPlusObservedMetrics() throws Exception {
    LakestreamConfig config =
        TestConfigs.local(
            root, Map.of("pipeline.stop_after", "silver", "ingest.max_files_per_trigger", "2"));
    SampleData.land(root.resolve("landing"), SampleData.ALL);

    PipelineRun run = new Pipeline(spark, config).run();

    Dataset<Row> progress = table(config, "pipeline_progress");
    for (StreamingQuery query : run.queries()) {
      List<Long> expected =
          Arrays.stream(query.recentProgress())
              .filter(BatchProgress::ranABatch)
              .map(p -> p.numInputRows())
              .toList();
      assertThat(
              progress
                  .where(col("query").equalTo(query.name()))
                  .orderBy("batch_id")
                  .select("rows_in")
                  .as(Encoders.LONG())
                  .collectAsList())
          .as(query.name())
          .isEqualTo(expected);
    }
    Dataset<Row> bronze = progress.where(col("query").equalTo("bronze_events")).orderBy("batch_id");
    assertThat(bronze.select("batch_id").as(Encoders.LONG()).collectAsList())
        .containsExactly(0L, 1L);
    assertThat(bronze.select("rows_in").as(Encoders.LONG()).collectAsList())
        .containsExactly(150L, 150L);
    Row totals =
        bronze.agg(sum("rows_quarantined"), sum("rows_rescued"), sum("files_archived")).first();
    assertThat(totals.getLong(0)).isEqualTo(10);
    assertThat(totals.getLong(1))
        .isEqualTo(table(config, "bronze_events").where(col("_rescued_data").isNotNull()).count());
    assertThat(totals.getLong(2)).isEqualTo(4);
    // After batch 0 (the two oldest files) the two newer ones wait in landing; after batch 1, none.
    assertThat(bronze.select("files_outstanding").as(Encoders.LONG()).collectAsList())
        .containsExactly(2L, 0L);
    assertThat(bronze.select("bytes_outstanding").as(Encoders.LONG()).collectAsList())
        .containsExactly(
            Files.size(SampleData.FOLDER.resolve(SampleData.ALL[2]))
                + Files.size(SampleData.FOLDER.resolve(SampleData.ALL[3])),
            0L);
    assertThat(
            progress
                .where(col("query").equalTo("silver_events"))
                .where(col("files_outstanding").isNotNull())
                .count())
        .isZero();
    Map<String, Long> firstReasons =
        bronze.first().getJavaMap(bronze.first().fieldIndex("quarantined_by_reason"));
    Map<String, Long> secondReasons =
        bronze
            .collectAsList()
            .get(1)
            .getJavaMap(bronze.first().fieldIndex("quarantined_by_reason"));
    Map<String, Long> reasons = new java.util.TreeMap<>(firstReasons);
    secondReasons.forEach((reason, count) -> reasons.merge(reason, count, Long::sum));
    assertThat(reasons)
        .containsExactly(
            Map.entry("malformed_json", 4L),
            Map.entry("missing_required_field", 2L),
            Map.entry("type_mismatch", 4L));
    Row first = bronze.first();
    Map<String, Long> firstDurations = firstBatch(run, "bronze_events").durationMs();
    assertThat(first.<Long>getAs("duration_ms")).isEqualTo(firstDurations.get("triggerExecution"));
    assertThat(first.<Long>getAs("add_batch_ms")).isEqualTo(firstDurations.get("addBatch"));
    assertThat(first.<String>getAs("progress_json"))
        .contains("\"batchId\":0")
        .contains("bronze_quality");
    Row silver = progress.where(col("query").equalTo("silver_events")).orderBy("batch_id").first();
    assertThat(silver.<Long>getAs("state_rows"))
        .isEqualTo(
            Arrays.stream(firstBatch(run, "silver_events").stateOperators())
                .mapToLong(operator -> operator.numRowsTotal())
                .sum());
    assertThat(silver.<Long>getAs("rows_quarantined")).isNull();
  }

  @Test
  void aProgressTableThatCannotBeWrittenDoesNotFailThePipeline() throws Exception {
    LakestreamConfig config = TestConfigs.local(root, Map.of("pipeline.stop_after", "bronze"));
    SampleData.land(root.resolve("landing"), "events-00001.json");
    Pipeline pipeline = new Pipeline(spark, config);
    pipeline.setUp();
    // Break the table for real: its folder becomes a plain file, so every append fails.
    Path folder = root.resolve("tables/pipeline_progress");
    org.apache.commons.io.FileUtils.deleteDirectory(folder.toFile());
    Files.writeString(folder, "not a Delta table");

    io.lakestream.app.RunSummary summary = pipeline.run().summary();

    assertThat(table(config, "bronze_events").count()).isEqualTo(75);
    assertThat(Files.isRegularFile(folder)).isTrue();
    // The failure is reported, not swallowed: bronze's one batch had a progress row that could not
    // be written.
    assertThat(summary.progressRowsNotWritten()).isEqualTo(1);
    assertThat(summary.render())
        .contains(
            "pipeline_progress rows that could not be appended (those batches are only in the log): 1");
  }

  @Test
  void progressRowsAreAppendedInBulkNotOneCommitPerBatch() throws Exception {
    LakestreamConfig config = TestConfigs.local(root, Map.of("pipeline.stop_after", "bronze"));
    new Pipeline(spark, config).setUp();
    String identifier = config.catalog().tableIdentifier("pipeline_progress");
    long versionBefore = historyVersion(identifier);
    ProgressTable progressTable =
        new ProgressTable(spark, identifier, java.time.Duration.ofMinutes(10));

    progressTable.batchDone(progress("silver_events", 0));
    // Time passes between batches (here: a Spark job); the rows still wait for the period.
    assertThat(spark.range(10).count()).isEqualTo(10);
    progressTable.batchDone(progress("silver_events", 1));
    assertThat(spark.range(10).count()).isEqualTo(10);
    progressTable.batchDone(progress("gold_event_counts", 0));
    progressTable.close();

    assertThat(
            spark
                .table(identifier)
                .orderBy("query", "batch_id")
                .selectExpr("CONCAT(query, '#', batch_id)")
                .as(Encoders.STRING())
                .collectAsList())
        .containsExactly("gold_event_counts#0", "silver_events#0", "silver_events#1");
    // One commit for the three rows: close() wrote what had queued, at once.
    assertThat(historyVersion(identifier)).isEqualTo(versionBefore + 1);
  }

  private long historyVersion(String identifier) {
    return spark
        .sql("DESCRIBE HISTORY " + identifier)
        .selectExpr("max(version)")
        .first()
        .getLong(0);
  }

  private static BatchProgress progress(String query, long batchId) {
    return BatchProgress.withoutFigures(
        query, "run-1", batchId, java.time.Instant.parse("2026-12-03T06:00:00Z"), 5, "{}");
  }

  private static org.apache.spark.sql.streaming.StreamingQueryProgress firstBatch(
      PipelineRun run, String queryName) {
    return run.queries().stream()
        .filter(query -> query.name().equals(queryName))
        .flatMap(query -> Arrays.stream(query.recentProgress()))
        .filter(BatchProgress::ranABatch)
        .findFirst()
        .orElseThrow();
  }
}

package io.lakestream.app;

import static io.lakestream.testing.TestTables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.config.LakestreamConfig;
import io.lakestream.table.UnreadHistory;
import io.lakestream.testing.SampleData;
import io.lakestream.testing.SampleReference;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers run on different schedules: bronze goes on alone while silver and gold wait, and retention
 * deletes history they have not read. The next run of the whole pipeline stops before starting them
 * (exit 4 in the app), naming the query and the versions; {@code rebuild} gets it going, with every
 * row in silver and gold once.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class UnreadHistoryStreamTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  private final String schema = "test_history_" + System.nanoTime();

  private LakestreamConfig config(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put("catalog.schema", schema);
    settings.put("ingest.max_files_per_trigger", "1");
    settings.put("maintain.log_retention", "1d");
    settings.put("maintain.file_retention", "1d");
    settings.put("maintain.transaction_retention", "1d");
    return TestConfigs.local(root, settings);
  }

  @Test
  void logEntriesDeletedBeforeSilverReadThemStopTheRunUntilSilverIsRebuilt() throws Exception {
    Path landing = root.resolve("landing");
    SampleData.land(landing, SampleData.ALL[0]);
    new Pipeline(spark, config(Map.of())).run();
    long silverBefore = table(config(Map.of()), "silver_events").count();

    SampleData.land(landing, SampleData.ALL[1], SampleData.ALL[2]);
    new Pipeline(spark, config(Map.of("pipeline.stop_after", "bronze"))).run();
    // Three days pass; then a bronze commit writes a log checkpoint, and Delta deletes the entries
    // older than the retention that the checkpoint makes unnecessary: the ones silver has not read.
    backdate(root.resolve("tables/bronze_events/_delta_log"), Duration.ofDays(3));
    SampleData.land(landing, SampleData.ALL[3]);
    new Pipeline(
            spark,
            config(Map.of("pipeline.stop_after", "bronze", "maintain.checkpoint_interval", "1")))
        .run();
    assertThat(root.resolve("tables/bronze_events/_delta_log/00000000000000000001.json"))
        .doesNotExist();

    assertThatThrownBy(() -> new Pipeline(spark, config(Map.of())).run())
        .isInstanceOf(UnreadHistory.GapException.class)
        .hasMessageContaining("query silver_events has read")
        .hasMessageContaining("bronze_events` up to version")
        .hasMessageContaining("were deleted by log retention (maintain.log_retention)")
        .satisfies(
            e -> {
              UnreadHistory.GapException gap = (UnreadHistory.GapException) e;
              assertThat(gap.exitStatus()).isEqualTo(4);
              assertThat(gap.query()).isEqualTo("silver_events");
              assertThat(gap.advice()).contains("lakestream rebuild silver");
            });
    assertThat(table(config(Map.of()), "silver_events").count()).isEqualTo(silverBefore);

    assertThat(new LayerRebuild(spark, config(Map.of())).rebuild(LayerRebuild.Layer.SILVER))
        .contains("reset silver_events", "reset gold_user_sessions");
    new Pipeline(spark, config(Map.of())).run();

    assertEveryRowOnce(config(Map.of()));
  }

  @Test
  void dataFilesVacuumedBeforeSilverReadThemStopTheRunUntilSilverIsRebuilt() throws Exception {
    Path landing = root.resolve("landing");
    SampleData.land(landing, SampleData.ALL[0]);
    new Pipeline(spark, config(Map.of())).run();

    SampleData.land(landing, SampleData.ALL[1], SampleData.ALL[2], SampleData.ALL[3]);
    new Pipeline(spark, config(Map.of("pipeline.stop_after", "bronze"))).run();
    // Ten days pass; bronze is compacted and vacuumed: the files the unread versions added are
    // gone, though their log entries are not.
    String bronze = config(Map.of()).catalog().tableIdentifier("bronze_events");
    spark.sql("OPTIMIZE " + bronze);
    spark.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    try {
      spark.sql("VACUUM " + bronze + " RETAIN 0 HOURS");
    } finally {
      spark.conf().unset("spark.databricks.delta.retentionDurationCheck.enabled");
    }
    backdate(root.resolve("tables/bronze_events/_delta_log"), Duration.ofDays(10));

    assertThatThrownBy(() -> new Pipeline(spark, config(Map.of())).run())
        .isInstanceOf(UnreadHistory.FilesGoneException.class)
        .hasMessageContaining("query silver_events has still to read version")
        .hasMessageContaining("was deleted by VACUUM (maintain.file_retention)");

    new LayerRebuild(spark, config(Map.of())).rebuild(LayerRebuild.Layer.SILVER);
    new Pipeline(spark, config(Map.of())).run();

    assertEveryRowOnce(config(Map.of()));
  }

  /** Silver and gold as a run over all four sample files gives them. */
  private static void assertEveryRowOnce(LakestreamConfig config) {
    SampleReference expected = SampleReference.of(SampleData.ALL);
    assertThat(table(config, "bronze_events").count()).isEqualTo(300);
    assertThat(table(config, "silver_events").count()).isEqualTo(expected.silver.size());
    assertThat(table(config, "silver_events").select("event_id").distinct().count())
        .isEqualTo(expected.silver.size());
    assertThat(table(config, "gold_event_counts").count()).isEqualTo(expected.closedWindows.size());
    assertThat(
            table(config, "gold_event_counts")
                .agg(org.apache.spark.sql.functions.sum("event_count"))
                .first()
                .getLong(0))
        .isEqualTo(expected.closedWindowEvents());
    assertThat(table(config, "gold_event_type_totals").count())
        .isEqualTo(expected.typeTotals.size());
    assertThat(table(config, "gold_user_sessions").count())
        .isEqualTo(expected.closedSessions.size());
  }

  private static void backdate(Path folder, Duration age) throws Exception {
    FileTime then = FileTime.from(Instant.now().minus(age));
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.setLastModifiedTime(file, then);
      }
    }
  }
}

package io.lakestream.stage;

import static io.lakestream.testing.Events.at;
import static io.lakestream.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.app.Pipeline;
import io.lakestream.app.RunSummary;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.testing.Events;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * gold_event_counts (5-minute windows, 10-minute watermark) and gold_event_type_totals, driven run
 * by run: each run is an availableNow restart from the checkpoints, like a scheduled job.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EventCountsStreamTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  private List<String> counts(LakestreamConfig config) {
    return spark
        .table(config.catalog().tableIdentifier("gold_event_counts"))
        .orderBy("window_start", "event_type")
        .collectAsList()
        .stream()
        .map(EventCountsStreamTest::describe)
        .toList();
  }

  private static String describe(Row row) {
    return row.getTimestamp(0).toInstant()
        + "/"
        + row.getTimestamp(1).toInstant()
        + " "
        + row.getString(2)
        + " count="
        + row.getLong(3)
        + " users="
        + row.getLong(4)
        + " amount="
        + (row.isNullAt(5) ? "null" : row.getDouble(5));
  }

  private List<String> totals(LakestreamConfig config) {
    return spark
        .table(config.catalog().tableIdentifier("gold_event_type_totals"))
        .orderBy("event_type")
        .collectAsList()
        .stream()
        .map(row -> row.getString(0) + " count=" + row.getLong(1) + " amount=" + row.getDouble(2))
        .toList();
  }

  @Test
  void appendWritesAWindowOnceAfterTheWatermarkPassesItAndIgnoresLateEvents() throws Exception {
    LakestreamConfig config = TestConfigs.local(root);
    Path landing = root.resolve("landing");

    // Run 1: two clicks in [t0, t0+5m). Watermark t0+2m-10m: the window stays open.
    Events.land(
        landing,
        "1.json",
        List.of(event("e1", "u1", "click", at(1)), event("e2", "u2", "click", at(2), 3.5)));
    new Pipeline(spark, config).run();
    assertThat(counts(config)).isEmpty();
    assertThat(totals(config)).containsExactly("click count=2 amount=3.5");

    // Run 2: an event at t0+16m moves the watermark to t0+6m, past the window's end: written,
    // final.
    Events.land(landing, "2.json", List.of(event("e3", "u1", "purchase", at(16), 10.0)));
    new Pipeline(spark, config).run();
    assertThat(counts(config))
        .containsExactly(
            "2026-11-01T10:00:00Z/2026-11-01T10:05:00Z click count=2 users=2 amount=3.5");

    // Run 3: a click at t0+3m is older than the watermark (t0+6m): not counted, reported as late.
    // The window is not written again. t0+30m closes [t0+15m, t0+20m).
    Events.land(
        landing,
        "3.json",
        List.of(event("e4", "u3", "click", at(3)), event("e5", "u3", "click", at(30))));
    RunSummary third = new Pipeline(spark, config).run().summary();

    assertThat(counts(config))
        .containsExactly(
            "2026-11-01T10:00:00Z/2026-11-01T10:05:00Z click count=2 users=2 amount=3.5",
            "2026-11-01T10:15:00Z/2026-11-01T10:20:00Z purchase count=1 users=1 amount=10.0");
    assertThat(third.lateRowsDropped()).containsEntry("gold_event_counts", 1L);
    // Totals have no watermark: every event counts, the late one too.
    assertThat(totals(config))
        .containsExactly("click count=4 amount=3.5", "purchase count=1 amount=10.0");
  }

  @Test
  void updateModeUpsertsTheSameWindowRowAcrossBatches() throws Exception {
    LakestreamConfig config =
        TestConfigs.local(
            root,
            Map.of(
                "gold.event_counts.output_mode",
                "update",
                "gold.type_totals.output_mode",
                "update"));
    Path landing = root.resolve("landing");

    Events.land(landing, "1.json", List.of(event("e1", "u1", "click", at(1))));
    new Pipeline(spark, config).run();
    assertThat(counts(config))
        .containsExactly(
            "2026-11-01T10:00:00Z/2026-11-01T10:05:00Z click count=1 users=1 amount=0.0");

    Events.land(
        landing,
        "2.json",
        List.of(event("e2", "u2", "click", at(2), 2.0), event("e3", "u1", "click", at(4))));
    new Pipeline(spark, config).run();

    assertThat(counts(config))
        .containsExactly(
            "2026-11-01T10:00:00Z/2026-11-01T10:05:00Z click count=3 users=2 amount=2.0");
    assertThat(totals(config)).containsExactly("click count=3 amount=2.0");
  }

  @Test
  void anyQueryCanWriteToMemoryOrConsoleInstead() throws Exception {
    LakestreamConfig config =
        TestConfigs.local(
            root,
            Map.of("sink.gold_event_type_totals", "memory", "sink.gold_event_counts", "console"));
    Events.land(
        root.resolve("landing"),
        "1.json",
        List.of(event("e1", "u1", "click", at(1)), event("e2", "u2", "view", at(2))));

    RunSummary summary = new Pipeline(spark, config).run().summary();

    // The memory sink is an in-memory table named after the query; the Delta table is left alone.
    assertThat(spark.table("gold_event_type_totals").orderBy("event_type").collectAsList())
        .extracting(row -> row.getString(0) + "=" + row.getLong(1))
        .containsExactly("click=1", "view=1");
    assertThat(totals(config)).isEmpty();
    assertThat(summary.render()).contains("  gold_event_type_totals            0          -");
  }
}

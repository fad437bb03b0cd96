package io.lakestream.app;

import static io.lakestream.testing.TestTables.table;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.testing.SampleData;
import io.lakestream.testing.SampleReference;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline over the committed sample files, with the default configuration, against
 * results worked out from the files independently of lakestream, in plain Java ({@link
 * SampleReference}). For the sample as committed that is: 300 lines; quarantined 4 malformed_json,
 * 4 type_mismatch, 2 missing_required_field; 270 distinct event ids (20 exact copies), all on
 * 2026-11-01; latest event_time 09:30:26, so the watermark is 09:20:26: 31 of the 42 (window, type)
 * groups end before it, holding 185 events; 14 of the 26 sessions (30-minute gap) are closed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PipelineSampleStreamTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  @Test
  void sampleDataGivesTheExpectedSilverGoldAndQuarantineRows() throws Exception {
    LakestreamConfig config = TestConfigs.local(root);
    SampleData.land(root.resolve("landing"), SampleData.ALL);

    // With Spark's code generation, as a run has it: the unit tier's other tests run interpreted.
    PipelineRun run = TestSpark.withCodeGeneration(() -> new Pipeline(spark, config).run());
    RunSummary summary = run.summary();

    // state.partitions (default auto: the session's cores, 2 under local[2]) applies to the
    // stateful queries only; the session keeps its own setting.
    assertThat(spark.conf().get("spark.sql.shuffle.partitions")).isEqualTo("1");
    assertThat(run.queries())
        .filteredOn(query -> !query.name().equals("bronze_events"))
        .hasSize(4)
        .allSatisfy(
            query ->
                assertThat(query.lastProgress().stateOperators())
                    .allSatisfy(state -> assertThat(state.numShufflePartitions()).isEqualTo(2)))
        .allSatisfy(query -> assertThat(query.lastProgress().stateOperators()).isNotEmpty());

    // New queries reading a Delta table start from its version 0, not a snapshot a restart would
    // rebuild.
    for (String query :
        List.of(
            "silver_events", "gold_event_counts", "gold_event_type_totals", "gold_user_sessions")) {
      assertThat(Files.readString(Path.of(config.volume().checkpointFor(query), "offsets", "0")))
          .as("first offsets of %s", query)
          .contains("\"isStartingVersion\":false");
    }

    SampleReference expected = SampleReference.of(SampleData.ALL);
    // The sample exercises every reason, duplicates, and windows and sessions on both sides of the
    // watermark.
    assertThat(expected.quarantinedByReason)
        .containsOnlyKeys("malformed_json", "missing_required_field", "type_mismatch");
    assertThat(expected.silver).hasSizeLessThan((int) expected.lines - 10);
    assertThat(expected.closedWindows).isNotEmpty();
    assertThat(expected.closedSessions).isNotEmpty();

    assertThat(
            table(config, "quarantine_events")
                .groupBy("reason")
                .count()
                .orderBy("reason")
                .collectAsList())
        .extracting(row -> row.getString(0) + "=" + row.getLong(1))
        .containsExactlyElementsOf(
            expected.quarantinedByReason.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList());

    Row silver =
        table(config, "silver_events")
            .agg(
                org.apache.spark.sql.functions.count(col("event_id")),
                count_distinct(col("event_id")),
                round(sum("amount"), 2),
                count_distinct(col("event_date")))
            .first();
    assertThat(silver.getLong(0)).isEqualTo(expected.silver.size());
    assertThat(silver.getLong(1)).isEqualTo(expected.silver.size());
    assertThat(silver.getDouble(2)).isEqualTo(expected.silverAmount());
    assertThat(silver.getLong(3))
        .isEqualTo(
            expected.silver.stream()
                .map(event -> event.time().toString().substring(0, 10))
                .distinct()
                .count());

    Dataset<Row> counts = table(config, "gold_event_counts");
    Row countTotals =
        counts
            .agg(
                org.apache.spark.sql.functions.count(col("event_type")),
                sum("event_count"),
                sum("distinct_users"))
            .first();
    assertThat(countTotals.getLong(0)).isEqualTo(expected.closedWindows.size());
    assertThat(countTotals.getLong(1)).isEqualTo(expected.closedWindowEvents());
    assertThat(countTotals.getLong(2)).isEqualTo(expected.closedWindowUsers());
    Row firstWindow = counts.orderBy("window_start", "event_type").first();
    SampleReference.Window firstExpected = expected.closedWindows.get(0);
    assertThat(firstWindow.getTimestamp(0).toInstant()).isEqualTo(firstExpected.start());
    assertThat(firstWindow.getString(2)).isEqualTo(firstExpected.type());
    assertThat(firstWindow.getLong(3)).isEqualTo(firstExpected.events());
    assertThat(SampleReference.cents(firstWindow.getDouble(5)))
        .isEqualTo(SampleReference.cents(firstExpected.amount()));

    assertThat(table(config, "gold_event_type_totals").orderBy("event_type").collectAsList())
        .extracting(
            row ->
                row.getString(0)
                    + " "
                    + row.getLong(1)
                    + " "
                    + SampleReference.cents(row.getDouble(2)))
        .containsExactlyElementsOf(
            expected.typeTotals.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .toList());

    Dataset<Row> sessions = table(config, "gold_user_sessions");
    assertThat(sessions.count()).isEqualTo(expected.closedSessions.size());
    assertThat(sessions.agg(sum("event_count")).first().getLong(0))
        .isEqualTo(expected.closedSessionEvents());
    Row first = sessions.orderBy("user_id", "session_start").first();
    SampleReference.Session firstSession = expected.closedSessions.get(0);
    assertThat(first.getString(0)).isEqualTo(firstSession.user());
    assertThat(first.getTimestamp(1).toInstant()).isEqualTo(firstSession.start());
    assertThat(first.getTimestamp(2).toInstant()).isEqualTo(firstSession.end());
    assertThat(first.getLong(3)).isEqualTo(firstSession.events());
    assertThat(first.<String>getList(4)).containsExactlyInAnyOrderElementsOf(firstSession.types());

    assertThat(summary.total("bronze_events")).isEqualTo(expected.lines);
    assertThat(summary.quarantinedByReason()).isEqualTo(expected.quarantinedByReason);
    assertThat(summary.lateRowsDropped())
        .containsEntry("silver_events", 0L)
        .containsEntry("gold_event_counts", 0L);
    assertThat(summary.render())
        .contains("  silver_events                   270        270")
        .contains("  files archived                    4          4");

    reportOfThisRunHoldsTheExpectedSeries(config);
  }

  /** The HTML report of the run above: parse the JSON it embeds and check each chart's series. */
  private void reportOfThisRunHoldsTheExpectedSeries(LakestreamConfig config) throws Exception {
    Path file = root.resolve("report.html");
    assertThat(LakestreamApp.writeReport(spark, config, file)).isEmpty();
    String html = Files.readString(file);

    assertThat(html)
        .contains("<canvas id=\"throughput\">")
        .contains("Chart.defaults.animation = false")
        .doesNotContain("src=\"http");
    assertThat(html).contains("Chart.js v4"); // the library itself is inlined
    String json =
        html.substring(html.indexOf("<script id=\"report-data\" type=\"application/json\">"));
    json = json.substring(json.indexOf('>') + 1, json.indexOf("</script>"));
    JsonNode data = new ObjectMapper().readTree(json);

    assertThat(fieldNames(data.get("throughput")))
        .containsExactlyInAnyOrder(
            "bronze_events",
            "silver_events",
            "gold_event_counts",
            "gold_event_type_totals",
            "gold_user_sessions");
    assertThat(data.get("throughput").get("bronze_events")).hasSize(1);
    assertThat(data.get("duration").get("bronze_events").get(0).get("x").asLong()).isZero();
    assertThat(data.get("duration").get("bronze_events").get(0).get("y").asLong()).isPositive();
    assertThat(fieldNames(data.get("stateRows")))
        .doesNotContain("bronze_events")
        .contains("silver_events", "gold_user_sessions");
    long events = 0;
    for (JsonNode counts : data.get("eventsByWindow").get("byType")) {
      assertThat(counts).hasSize(data.get("eventsByWindow").get("windows").size());
      for (JsonNode count : counts) {
        events += count.asLong();
      }
    }
    assertThat(events).isEqualTo(185);
    assertThat(data.get("eventsByWindow").get("windows").get(0).asText()).isEqualTo("11-01 07:15");
    assertThat(data.get("quarantineReasons").toString())
        .isEqualTo("{\"malformed_json\":4,\"missing_required_field\":2,\"type_mismatch\":4}");
    assertThat(data.get("rowsByQuery").get("bronze_events").get("rows").asLong()).isEqualTo(300);
    assertThat(data.get("rowsByQuery").get("silver_events").get("rows").asLong()).isEqualTo(270);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}

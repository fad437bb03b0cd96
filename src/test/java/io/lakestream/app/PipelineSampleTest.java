package io.lakestream.app;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.report.HtmlReport;
import io.lakestream.report.ReportData;
import io.lakestream.testing.SampleData;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
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
 * The whole pipeline over the committed sample files, with the default configuration, against results
 * worked out from the files independently of lakestream (a separate script reading the JSON):
 *
 * <ul>
 *   <li>300 lines; quarantined: 4 malformed_json, 4 type_mismatch, 2 missing_required_field;
 *   <li>290 valid lines holding 270 distinct event ids (20 exact copies), all on 2026-11-01;
 *   <li>latest event_time 09:30:26, so the gold watermark ends at 09:20:26: 31 of the 42 (window, type)
 *       groups end before it, holding 185 events; 14 of the 26 sessions (30-minute gap) are closed.
 * </ul>
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PipelineSampleTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  private Dataset<Row> table(LakestreamConfig config, String name) {
    return spark.table(config.catalog().tableIdentifier(name));
  }

  @Test
  void sampleDataGivesTheExpectedSilverGoldAndQuarantineRows() throws Exception {
    LakestreamConfig config = TestConfigs.local(root);
    SampleData.land(root.resolve("landing"), SampleData.ALL);

    RunSummary summary = new Pipeline(spark, config).run().summary();

    assertThat(table(config, "quarantine_events").groupBy("reason").count().orderBy("reason").collectAsList())
        .extracting(row -> row.getString(0) + "=" + row.getLong(1))
        .containsExactly("malformed_json=4", "missing_required_field=2", "type_mismatch=4");

    Row silver =
        table(config, "silver_events")
            .agg(org.apache.spark.sql.functions.count(col("event_id")), count_distinct(col("event_id")), round(sum("amount"), 2), count_distinct(col("event_date")))
            .first();
    assertThat(silver.getLong(0)).isEqualTo(270);
    assertThat(silver.getLong(1)).isEqualTo(270);
    assertThat(silver.getDouble(2)).isEqualTo(18574.58);
    assertThat(silver.getLong(3)).isEqualTo(1);

    Dataset<Row> counts = table(config, "gold_event_counts");
    Row countTotals = counts.agg(org.apache.spark.sql.functions.count(col("event_type")), sum("event_count"), sum("distinct_users")).first();
    assertThat(countTotals.getLong(0)).isEqualTo(31);
    assertThat(countTotals.getLong(1)).isEqualTo(185);
    assertThat(countTotals.getLong(2)).isEqualTo(126);
    Row firstWindow = counts.orderBy("window_start", "event_type").first();
    assertThat(firstWindow.getTimestamp(0).toInstant()).hasToString("2026-11-01T07:15:00Z");
    assertThat(firstWindow.getString(2)).isEqualTo("add_to_cart");
    assertThat(firstWindow.getLong(3)).isEqualTo(1);
    assertThat(firstWindow.getDouble(5)).isEqualTo(13.9);

    assertThat(table(config, "gold_event_type_totals").orderBy("event_type").collectAsList())
        .extracting(row -> row.getString(0) + " " + row.getLong(1) + " " + Math.round(row.getDouble(2) * 100) / 100.0)
        .containsExactly("add_to_cart 39 8952.88", "click 80 0.0", "page_view 115 0.0", "purchase 36 9621.7");

    Dataset<Row> sessions = table(config, "gold_user_sessions");
    assertThat(sessions.count()).isEqualTo(14);
    assertThat(sessions.agg(sum("event_count")).first().getLong(0)).isEqualTo(16);
    Row first = sessions.orderBy("user_id", "session_start").first();
    assertThat(first.getString(0)).isEqualTo("u001");
    assertThat(first.getTimestamp(1).toInstant()).hasToString("2026-11-01T07:51:03Z");
    assertThat(first.getTimestamp(2).toInstant()).hasToString("2026-11-01T08:13:21Z");
    assertThat(first.getLong(3)).isEqualTo(2);
    assertThat(first.<String>getList(4)).isEqualTo(List.of("page_view"));

    assertThat(summary.total("bronze_events")).isEqualTo(300);
    assertThat(summary.quarantinedByReason()).containsEntry("malformed_json", 4L);
    assertThat(summary.lateRowsDropped()).containsEntry("silver_events", 0L).containsEntry("gold_event_counts", 0L);
    assertThat(summary.render()).contains("  silver_events                   270        270").contains("  files archived                    4          4");

    reportOfThisRunHoldsTheExpectedSeries(config);
  }

  /** The HTML report of the run above: parse the JSON it embeds and check each chart's series. */
  private void reportOfThisRunHoldsTheExpectedSeries(LakestreamConfig config) throws Exception {
    String html = HtmlReport.render(ReportData.read(spark, config.catalog()::tableIdentifier), "sample run");

    assertThat(html).contains("<canvas id=\"throughput\">").contains("Chart.defaults.animation = false").doesNotContain("src=\"http");
    assertThat(html).contains("Chart.js v4"); // the library itself is inlined
    String json = html.substring(html.indexOf("<script id=\"report-data\" type=\"application/json\">"));
    json = json.substring(json.indexOf('>') + 1, json.indexOf("</script>"));
    JsonNode data = new ObjectMapper().readTree(json);

    assertThat(fieldNames(data.get("throughput")))
        .containsExactlyInAnyOrder("bronze_events", "silver_events", "gold_event_counts", "gold_event_type_totals", "gold_user_sessions");
    assertThat(data.get("throughput").get("bronze_events")).hasSize(1);
    assertThat(data.get("duration").get("bronze_events").get(0).get("x").asLong()).isZero();
    assertThat(data.get("duration").get("bronze_events").get(0).get("y").asLong()).isPositive();
    assertThat(fieldNames(data.get("stateRows"))).doesNotContain("bronze_events").contains("silver_events", "gold_user_sessions");
    long events = 0;
    for (JsonNode counts : data.get("eventsByWindow").get("byType")) {
      assertThat(counts).hasSize(data.get("eventsByWindow").get("windows").size());
      for (JsonNode count : counts) {
        events += count.asLong();
      }
    }
    assertThat(events).isEqualTo(185);
    assertThat(data.get("eventsByWindow").get("windows").get(0).asText()).isEqualTo("11-01 07:15");
    assertThat(data.get("quarantineReasons").toString()).isEqualTo("{\"malformed_json\":4,\"missing_required_field\":2,\"type_mismatch\":4}");
    assertThat(data.get("rowsByQuery").get("bronze_events").get("rows").asLong()).isEqualTo(300);
    assertThat(data.get("rowsByQuery").get("silver_events").get("rows").asLong()).isEqualTo(270);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}

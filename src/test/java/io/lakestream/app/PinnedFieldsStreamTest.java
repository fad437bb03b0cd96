package io.lakestream.app;

import static io.lakestream.testing.TestTables.table;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.config.ConfigKeys;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.testing.Events;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fields the pipeline computes on keep their types whatever the data says: one corpus, with a
 * non-numeric amount, timestamps without a zone, a nested object and a field no contract names, run
 * with the explicit sample contract and with an inferred one, gives the same silver, gold and
 * quarantine rows both times, and a second run of each adds nothing.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PinnedFieldsStreamTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path dir;

  private static final List<String> TABLES =
      List.of(
          "bronze_events",
          "quarantine_events",
          "silver_events",
          "gold_event_counts",
          "gold_event_type_totals",
          "gold_user_sessions");

  /** Events over two hours, so that windows and sessions close behind the watermark. */
  private static void landCorpus(Path landing) {
    List<String> first = new ArrayList<>();
    first.add(Events.event("e1", "u1", "click", Events.at(0), 1.5));
    // Inference alone would type amount as STRING for this one value.
    first.add(
        "{\"event_id\":\"e2\",\"user_id\":\"u2\",\"event_type\":\"view\","
            + "\"event_time\":\"2026-11-01T10:01:00Z\",\"amount\":\"abc\"}");
    // No zone: read as UTC.
    first.add(
        "{\"event_id\":\"e3\",\"user_id\":\"u1\",\"event_type\":\"click\","
            + "\"event_time\":\"2026-11-01T10:02:00\",\"amount\":2}");
    first.add(
        "{\"event_id\":\"e4\",\"user_id\":\"u3\",\"event_type\":\"purchase\","
            + "\"event_time\":\"2026-11-01 10:03:30\",\"amount\":10,"
            + "\"ctx\":{\"os\":\"ios\",\"tags\":[1,2]},\"app_version\":\"1.0\"}");
    first.add("{not json");
    Events.land(landing, "f1.json", first);
    List<String> second = new ArrayList<>();
    for (int minute = 5; minute <= 120; minute += 5) {
      second.add(
          Events.event(
              "e" + (100 + minute),
              "u" + (minute % 3),
              minute % 2 == 0 ? "click" : "view",
              Events.at(minute),
              (double) minute));
    }
    second.add(Events.event("e1", "u1", "click", Events.at(0), 1.5)); // a duplicate
    Events.land(landing, "f2.json", second);
  }

  @Test
  void anInferredContractGivesTheSameRowsAsTheExplicitOne() throws Exception {
    Map<String, List<String>> explicit =
        twoRuns(dir.resolve("explicit"), ConfigKeys.SAMPLE_EVENT_SCHEMA);
    Map<String, List<String>> inferred = twoRuns(dir.resolve("inferred"), "infer");

    assertThat(explicit.get("quarantine_events"))
        .containsExactlyInAnyOrder("[malformed_json]", "[type_mismatch]");
    assertThat(explicit.get("silver_events")).hasSize(27).anyMatch(row -> row.startsWith("[e3,"));
    assertThat(explicit.get("gold_event_counts")).isNotEmpty();
    assertThat(explicit.get("gold_user_sessions")).isNotEmpty();
    for (String name : TABLES) {
      assertThat(inferred.get(name))
          .as(name)
          .containsExactlyInAnyOrderElementsOf(explicit.get(name));
    }
  }

  /**
   * Runs the pipeline twice on the corpus; returns each table's rows, over the columns both
   * contracts share, after checking that the second run added none.
   */
  private Map<String, List<String>> twoRuns(Path root, String schema) throws Exception {
    LakestreamConfig config = TestConfigs.local(root, Map.of("ingest.schema", schema));
    landCorpus(root.resolve("landing"));

    new Pipeline(spark, config).run();
    Map<String, List<String>> first = rows(config);
    new Pipeline(spark, config).run();
    Map<String, List<String>> second = rows(config);

    assertThat(second).as("a second run with " + schema).isEqualTo(first);
    assertThat(table(config, "silver_events").schema().apply("amount").dataType())
        .isEqualTo(DataTypes.DoubleType);
    assertThat(table(config, "silver_events").schema().apply("event_time").dataType())
        .isEqualTo(DataTypes.TimestampType);
    if (schema.equals("infer")) {
      assertThat(table(config, "silver_events").columns()).contains("ctx", "app_version");
    }
    return first;
  }

  private static Map<String, List<String>> rows(LakestreamConfig config) {
    Map<String, List<String>> rows = new java.util.TreeMap<>();
    rows.put(
        "bronze_events",
        strings(table(config, "bronze_events").selectExpr("event_id", "event_time", "amount")));
    rows.put("quarantine_events", strings(table(config, "quarantine_events").select("reason")));
    rows.put(
        "silver_events",
        strings(
            table(config, "silver_events")
                .selectExpr("event_id", "user_id", "event_type", "event_time", "amount")));
    for (String gold :
        List.of("gold_event_counts", "gold_event_type_totals", "gold_user_sessions")) {
      rows.put(gold, strings(table(config, gold)));
    }
    return rows;
  }

  private static List<String> strings(org.apache.spark.sql.Dataset<Row> rows) {
    return rows.collectAsList().stream().map(Row::toString).sorted().toList();
  }
}

package io.lakestream.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.config.AggregationSettings;
import io.lakestream.config.AggregationSettings.OutputModeChoice;
import io.lakestream.config.ConfigException;
import io.lakestream.config.ConfigKeys;
import io.lakestream.config.Expectation;
import io.lakestream.config.QualitySettings;
import io.lakestream.testing.TestSpark;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The unit tier of the stages: each stage, or a layer's chain of them, on a small batch DataFrame,
 * with no stream, checkpoint or table. What needs a stream (deduplication within the watermark,
 * late data across batches, restarts, crashes) is in the end-to-end tests.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StagesTest {

  private final SparkSession spark = TestSpark.session();
  private final StructType schema = StructType.fromDDL(ConfigKeys.SAMPLE_EVENT_SCHEMA);

  /**
   * Rows as bronze_events holds them: the sample contract, lineage and the quarantine columns. Each
   * values row: event_id, user_id, event_type, event_time (UTC), page, device, amount, reason.
   */
  private Dataset<Row> bronze(String... valuesRows) {
    return spark.sql(
        "SELECT event_id, user_id, event_type, CAST(event_time AS TIMESTAMP) AS event_time, page,"
            + " device, CAST(amount AS DOUBLE) AS amount, CAST(NULL AS STRING) AS _rescued_data,"
            + " 'file:/landing/a.json' AS _source_file, TIMESTAMP'2026-11-02 00:00:00' AS"
            + " _ingested_at, reason AS _quarantine_reason, CAST(reason AS STRING) AS"
            + " _quarantine_detail FROM VALUES "
            + String.join(", ", valuesRows)
            + " AS t(event_id, user_id, event_type, event_time, page, device, amount, reason)");
  }

  @Test
  void theSilverChainKeepsValidEventsNormalizedAndDatedInUtc() {
    Dataset<Row> bronze =
        bronze(
            "('e1', ' U1 ', 'Click', '2026-11-01 23:59:00', ' /home ', 'Mobile', 1.0, NULL)",
            "('e2', 'u9', 'click', '2026-11-01 10:00:00', '/', 'web', 2.0, 'malformed_json')",
            "('e3', 'u2', 'PURCHASE', '2026-11-02 00:00:01', '/Cart', 'Web', 5.5, NULL)");
    // Deduplicate, next in the chain, is streaming-only (dropDuplicatesWithinWatermark):
    // DeduplicationStreamTest drives it on a stream.
    Stage silver =
        new ValidEvents(schema).then(new NormalizeIdentifiers()).then(new AddEventDate());

    Dataset<Row> out = silver.apply(bronze);

    assertThat(out.columns())
        .containsExactly(
            "event_id",
            "user_id",
            "event_type",
            "event_time",
            "page",
            "device",
            "amount",
            "_rescued_data",
            "_source_file",
            "_ingested_at",
            "event_date");
    Map<String, Row> byId = byKey(out, "event_id");
    assertThat(byId).containsOnlyKeys("e1", "e3"); // e2 is quarantined
    Row e1 = byId.get("e1");
    assertThat(List.of(e1.getAs("user_id"), e1.getAs("event_type"), e1.getAs("page")))
        .containsExactly("u1", "click", "/home"); // page is trimmed, not lowered
    assertThat((String) e1.getAs("device")).isEqualTo("mobile");
    // UTC dates, though the tests' JVM runs in America/Los_Angeles.
    assertThat(e1.getAs("event_date").toString()).isEqualTo("2026-11-01");
    Row e3 = byId.get("e3");
    assertThat(e3.getAs("event_date").toString()).isEqualTo("2026-11-02");
    assertThat(List.of(e3.getAs("event_type"), e3.getAs("page")))
        .containsExactly("purchase", "/Cart");
  }

  @Test
  void aCategoryIsWhatSparksLowerGivesTheTrimmedValueAsciiOrNot() {
    Dataset<Row> values =
        spark.sql(
            "SELECT * FROM VALUES (' U007 '), ('Click'), ('MOBILE-App_2'), ('ÉCOLE'), (' İstanbul'),"
                + " ('ΣΟΦΊΑ'), ('straße'), (''), (NULL) AS t(v)");

    List<Row> rows =
        values
            .select(
                NormalizeIdentifiers.category(org.apache.spark.sql.functions.col("v")).as("ours"),
                org.apache.spark.sql.functions.expr("lower(trim(v))").as("sparks"),
                org.apache.spark.sql.functions.col("v"))
            .collectAsList();

    for (Row row : rows) {
      assertThat((String) row.getAs("ours"))
          .as(String.valueOf((Object) row.getAs("v")))
          .isEqualTo(row.getAs("sparks"));
    }
    assertThat(rows.stream().map(r -> (String) r.getAs("ours")).toList())
        .containsExactly(
            "u007", "click", "mobile-app_2", "école", "i̇stanbul", "σοφία", "straße", "", null);
  }

  @Test
  void qualityRulesGiveTheFirstReasonThatAppliesAndFlagWarnRules() {
    QualitySettings settings =
        quality(
            new Expectation(
                "positive_amount", Expectation.Action.DROP, "amount IS NULL OR amount > 0"),
            new Expectation("has_page", Expectation.Action.WARN, "page IS NOT NULL"));
    Dataset<Row> parsed =
        bronze(
                "('parse', NULL, 'click', NULL, NULL, NULL, NULL, 'malformed_json')",
                "('blank', ' ', 'click', '2026-11-01 10:00:00', '/', 'web', 1.0, NULL)",
                "('future', 'u1', 'click', '2099-01-01 00:00:00', '/', 'web', 1.0, NULL)",
                "('negative', 'u1', 'click', '2026-11-01 10:00:00', '/', 'web', -1.0, NULL)",
                "('no_page', 'u1', 'click', '2026-11-01 10:00:00', NULL, 'web', 1.0, NULL)",
                "('fine', 'u1', 'click', '2026-11-01 10:00:00', '/', 'web', NULL, NULL)")
            .drop("_rescued_data", "_source_file", "_ingested_at");

    Map<String, Row> byId = byKey(new QualityRules(settings, schema).apply(parsed), "event_id");

    assertThat(reason(byId.get("parse"))).isEqualTo("malformed_json");
    assertThat(reason(byId.get("blank"))).isEqualTo(QualityRules.MISSING_REQUIRED_FIELD);
    assertThat((String) byId.get("blank").getAs("_quarantine_detail")).isEqualTo("missing user_id");
    assertThat(reason(byId.get("future"))).isEqualTo(QualityRules.TOO_FAR_IN_FUTURE);
    assertThat(reason(byId.get("negative"))).isEqualTo(QualityRules.EXPECTATION_FAILED);
    assertThat((String) byId.get("negative").getAs("_quarantine_detail"))
        .isEqualTo("positive_amount: amount IS NULL OR amount > 0");
    assertThat(reason(byId.get("no_page"))).isNull();
    assertThat(reason(byId.get("fine"))).isNull();
    // A warn rule never quarantines; it flags the valid records that break it, and only those.
    assertThat((Boolean) byId.get("no_page").getAs("_violates_has_page")).isTrue();
    assertThat((Boolean) byId.get("fine").getAs("_violates_has_page")).isFalse();
    assertThat((Boolean) byId.get("parse").getAs("_violates_has_page")).isFalse();
  }

  @Test
  void anExpectationThatIsNotAConditionOnTheSchemaIsRefusedWithEveryProblem() {
    QualitySettings settings =
        quality(
            new Expectation("sum", Expectation.Action.WARN, "amount + 1"),
            new Expectation("typo", Expectation.Action.DROP, "amuont > 0"),
            new Expectation("fine", Expectation.Action.FAIL, "amount >= 0"));

    assertThatThrownBy(() -> new QualityRules(settings, schema).checkResolvable(spark))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.problems()).hasSize(2);
              assertThat(e.problems().get(0))
                  .startsWith("quality.expect.sum = 'warn: amount + 1' is not allowed")
                  .contains("the predicate is DOUBLE, not BOOLEAN");
              assertThat(e.problems().get(1))
                  .startsWith("quality.expect.typo = 'drop: amuont > 0' cannot be evaluated");
            });
  }

  @Test
  void goldAggregationsOnABatch() {
    Dataset<Row> silver =
        new ValidEvents(schema)
            .apply(
                bronze(
                    "('a', 'u1', 'click', '2026-11-01 10:01:00', '/', 'web', NULL, NULL)",
                    "('b', 'u2', 'click', '2026-11-01 10:04:59', '/', 'web', NULL, NULL)",
                    "('c', 'u1', 'click', '2026-11-01 10:03:00', '/', 'web', NULL, NULL)",
                    "('d', 'u1', 'click', '2026-11-01 10:05:00', '/', 'web', NULL, NULL)",
                    "('e', 'u3', 'purchase', '2026-11-01 10:06:00', '/', 'web', 9.5, NULL)",
                    "('f', 'u3', 'purchase', '2026-11-01 10:07:00', '/', 'web', 0.5, NULL)"));
    AggregationSettings tumbling =
        new AggregationSettings(
            Duration.ofMinutes(10),
            Duration.ofHours(24),
            Duration.ofMinutes(5),
            Optional.empty(),
            Duration.ofMinutes(30),
            OutputModeChoice.APPEND,
            OutputModeChoice.COMPLETE);

    List<String> windows =
        new EventCounts(tumbling)
            .apply(silver)
            .selectExpr(
                "concat_ws(' ', date_format(window_start, 'HH:mm'), date_format(window_end,"
                    + " 'HH:mm'), event_type, event_count, distinct_users, total_amount)")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertThat(windows)
        .containsExactlyInAnyOrder(
            "10:00 10:05 click 3 2 0.0",
            "10:05 10:10 click 1 1 0.0",
            "10:05 10:10 purchase 2 1 10.0");

    Map<String, Row> totals = byKey(new EventTypeTotals().apply(silver), "event_type");
    assertThat(totals).containsOnlyKeys("click", "purchase");
    assertThat((Long) totals.get("click").getAs("event_count")).isEqualTo(4L);
    assertThat((Double) totals.get("purchase").getAs("total_amount")).isEqualTo(10.0);
  }

  @Test
  void aChainAppliesItsStagesInOrder() {
    Dataset<Row> one = spark.sql("SELECT 1 AS n");
    Stage plusOne = rows -> rows.selectExpr("n + 1 AS n");
    Stage timesTen = rows -> rows.selectExpr("n * 10 AS n");

    assertThat(plusOne.then(timesTen).apply(one).first().getInt(0)).isEqualTo(20);
    assertThat(timesTen.then(plusOne).apply(one).first().getInt(0)).isEqualTo(11);
    assertThat(Stage.identity().then(plusOne).apply(one).first().getInt(0)).isEqualTo(2);
  }

  /** The default quality rules (required fields, 10 minutes of skew) and these expectations. */
  private static QualitySettings quality(Expectation... expectations) {
    return new QualitySettings(
        true,
        List.of("event_id", "user_id", "event_type", "event_time"),
        Duration.ofMinutes(10),
        List.of(expectations));
  }

  private static String reason(Row row) {
    return row.getAs("_quarantine_reason");
  }

  private static Map<String, Row> byKey(Dataset<Row> rows, String column) {
    return rows.collectAsList().stream()
        .collect(Collectors.toMap(row -> row.<String>getAs(column), Function.identity()));
  }
}

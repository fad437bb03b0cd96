package io.lakestream.sink;

import static io.lakestream.testing.Events.at;
import static io.lakestream.testing.Events.event;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.app.Pipeline;
import io.lakestream.app.QueryFailedException;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.testing.Events;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad record ends in quarantine_events with its reason, raw text and source file. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QuarantineStreamTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  @Test
  void eachReasonIsQuarantinedWithRawTextAndSourceFile() throws Exception {
    LakestreamConfig config =
        TestConfigs.local(
            root,
            Map.of(
                "pipeline.stop_after", "bronze",
                "ingest.max_record_size", "400",
                "quality.max_future_skew", "1h",
                "quality.expect.non_negative_amount", "drop: amount IS NULL OR amount >= 0",
                "quality.expect.known_device", "warn: device IN ('mobile', 'desktop')"));
    Instant threeHoursAhead =
        Instant.now().plusSeconds(3 * 3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    String future = event("e-future", "u1", "click", threeHoursAhead);
    String big = "{\"event_id\":\"e-big\",\"page\":\"" + "x".repeat(400) + "\"}";
    String negative = event("e-negative", "u1", "purchase", at(1), -5.0);
    String unknownFields =
        "{\"event_id\":\"e-rescued\",\"user_id\":\"u1\",\"event_type\":\"click\",\"event_time\":\"2026-11-01T10:02:00Z\",\"coupon\":\"X1\"}";
    String tablet = event("e-tablet", "u2", "click", at(3)).replace("mobile", "tablet");
    List<String> lines =
        List.of(
            event("e-ok", "u1", "click", at(0)),
            "{\"event_id\":\"e-broken\",",
            event("e-bad-amount", "u1", "purchase", at(1))
                .replace("\"amount\":null", "\"amount\":\"abc\""),
            event("e-no-user", " ", "click", at(2)),
            big,
            future,
            negative,
            unknownFields,
            tablet);
    Path file = Events.land(root.resolve("landing"), "batch one.json", lines);

    new Pipeline(spark, config).run();

    List<Row> quarantined =
        spark
            .table(config.catalog().tableIdentifier("quarantine_events"))
            .select("event_id", "reason", "detail", "raw_record", "source_file", "batch_id")
            .orderBy("raw_record")
            .collectAsList();
    assertThat(quarantined)
        .extracting(row -> row.getString(1) + " | " + row.getString(2))
        .containsExactlyInAnyOrder(
            "malformed_json | not a JSON object",
            "type_mismatch | amount='abc' is not DOUBLE",
            "missing_required_field | missing user_id",
            "record_too_large | record of " + big.length() + " bytes exceeds the limit of 400",
            "event_time_too_far_in_future | event_time "
                + threeHoursAhead.toString().replace('T', ' ').replace("Z", "")
                + " is more than 1h ahead of the ingestion clock",
            "expectation_failed | non_negative_amount: amount IS NULL OR amount >= 0");
    assertThat(quarantined)
        .allSatisfy(
            row -> {
              assertThat(row.getString(4)).endsWith("/landing/batch%20one.json");
              assertThat(row.getLong(5)).isZero();
            });
    assertThat(quarantined)
        .extracting(row -> row.getString(3))
        .contains("{\"event_id\":\"e-broken\",", negative, future);

    List<Row> bronze =
        spark
            .table(config.catalog().tableIdentifier("bronze_events"))
            .where(col("_quarantine_reason").isNull())
            .select("event_id", "_rescued_data")
            .orderBy("event_id")
            .collectAsList();
    assertThat(bronze)
        .extracting(row -> row.getString(0) + "=" + row.getString(1))
        .containsExactly("e-ok=null", "e-rescued={\"coupon\":\"X1\"}", "e-tablet=null");
    Row audit = spark.table(config.catalog().tableIdentifier("audit_batches")).first();
    assertThat(audit.<String>getAs("query")).isEqualTo("bronze_events");
    assertThat(audit.<Long>getAs("rows_in")).isEqualTo(9L);
    assertThat(audit.<Long>getAs("rows_quarantined")).isEqualTo(6L);
    // e-tablet breaks the warn rule, and so does e-rescued (no device: a null predicate is a
    // violation); both are kept.
    assertThat(audit.<Long>getAs("rows_warned")).isEqualTo(2L);
  }

  @Test
  void aFailExpectationStopsTheQueryBeforeAnythingIsWritten() {
    LakestreamConfig config =
        TestConfigs.local(
            root,
            Map.of(
                "pipeline.stop_after",
                "bronze",
                "quality.expect.positive_amount",
                "fail: amount IS NULL OR amount > 0"));
    Events.land(
        root.resolve("landing"),
        "a.json",
        List.of(event("e1", "u1", "click", at(0)), event("e2", "u1", "purchase", at(1), 0.0)));

    assertThatThrownBy(() -> new Pipeline(spark, config).run())
        .isInstanceOf(QueryFailedException.class)
        .hasMessageContaining("query 'bronze_events' failed")
        .hasMessageContaining(
            "Expectation 'positive_amount' (fail: amount IS NULL OR amount > 0) is not met by 1 records of batch 0")
        .hasMessageContaining("\"event_id\":\"e2\"");
    assertThat(spark.table(config.catalog().tableIdentifier("bronze_events")).count()).isZero();
    assertThat(spark.table(config.catalog().tableIdentifier("audit_batches")).count()).isZero();
  }

  @Test
  void anExpectationOnAnUnknownColumnIsRefusedAtStartUp() {
    LakestreamConfig config =
        TestConfigs.local(root, Map.of("quality.expect.typo", "drop: amout >= 0"));

    assertThatThrownBy(() -> new Pipeline(spark, config).run())
        .isInstanceOf(io.lakestream.config.ConfigException.class)
        .hasMessageContaining(
            "quality.expect.typo = 'drop: amout >= 0' cannot be evaluated on ingest.schema")
        .hasMessageContaining("amout");
  }

  @Test
  void anExpectationThatIsNotAConditionIsRefusedAtStartUp() {
    LakestreamConfig config =
        TestConfigs.local(
            root,
            Map.of(
                "quality.expect.pos",
                "drop: amount >>> 0",
                "quality.expect.ok",
                "warn: amount > 0"));

    assertThatThrownBy(() -> new Pipeline(spark, config).run())
        .isInstanceOf(io.lakestream.config.ConfigException.class)
        .hasMessageContaining(
            "quality.expect.pos = 'drop: amount >>> 0' is not allowed: the predicate is ")
        .hasMessageContaining(", not BOOLEAN. Allowed: a SQL condition")
        .hasMessageNotContaining("quality.expect.ok");
  }
}

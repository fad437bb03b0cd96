package io.lakestream.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.config.ConfigKeys;
import io.lakestream.testing.TestSpark;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The parse of raw lines, on a batch DataFrame: one outcome per kind of line. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EventParserTest {

  private final SparkSession spark = TestSpark.session();
  private final StructType schema = StructType.fromDDL(ConfigKeys.SAMPLE_EVENT_SCHEMA);

  private List<Row> parse(boolean rescue, String... lines) {
    Dataset<Row> raw = spark.createDataset(List.of(lines), Encoders.STRING()).toDF("_raw_record");
    return new EventParser(schema, 200, rescue)
        .parse(raw)
        .select(
            "event_id",
            "user_id",
            "event_time",
            "amount",
            "_rescued_data",
            "_quarantine_reason",
            "_quarantine_detail",
            "_raw_record")
        .collectAsList();
  }

  @Test
  void typesAValidLine() {
    Row row =
        parse(
                true,
                "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"event_time\":\"2026-11-01T09:00:00Z\",\"amount\":12.5}")
            .get(0);

    assertThat(row.getString(0)).isEqualTo("e1");
    assertThat(row.getString(1)).isEqualTo("u1");
    assertThat(row.getTimestamp(2).toInstant()).isEqualTo(Instant.parse("2026-11-01T09:00:00Z"));
    assertThat(row.getDouble(3)).isEqualTo(12.5);
    assertThat(row.isNullAt(4)).as("no unknown fields").isTrue();
    assertThat(row.isNullAt(5)).as("no parse error").isTrue();
    assertThat(row.isNullAt(6)).isTrue();
  }

  @Test
  void offsetTimestampsAndNumbersInStringsAreTyped() {
    Row row =
        parse(
                true,
                "{\"event_id\":\"e1\",\"event_time\":\"2026-11-01T10:00:00+01:00\",\"amount\":\"7\"}")
            .get(0);

    assertThat(row.getTimestamp(2).toInstant()).isEqualTo(Instant.parse("2026-11-01T09:00:00Z"));
    assertThat(row.getDouble(3)).isEqualTo(7.0);
    assertThat(row.isNullAt(5)).isTrue();
  }

  @Test
  void malformedLinesKeepTheirRawText() {
    List<Row> rows = parse(true, "not json", "{\"event_id\":\"e1\",\"user", "[1,2]");

    assertThat(rows)
        .extracting(row -> row.getString(5) + " | " + row.getString(6) + " | " + row.getString(7))
        .containsExactly(
            "malformed_json | not a JSON object | not json",
            "malformed_json | not a JSON object | {\"event_id\":\"e1\",\"user",
            "malformed_json | not a JSON object | [1,2]");
    assertThat(rows).allMatch(row -> row.isNullAt(0));
  }

  @Test
  void typeMismatchNamesEveryBadField() {
    Row row =
        parse(
                true,
                "{\"event_id\":\"e1\",\"event_time\":\"2026-13-45T99:00:00Z\",\"amount\":\"abc\"}")
            .get(0);

    assertThat(row.getString(5)).isEqualTo("type_mismatch");
    assertThat(row.getString(6))
        .isEqualTo(
            "event_time='2026-13-45T99:00:00Z' is not TIMESTAMP; amount='abc' is not DOUBLE");
    assertThat(row.getString(0)).as("fields that do convert are kept").isEqualTo("e1");
  }

  @Test
  void tooLargeLinesAreNotParsed() {
    String padded = "{\"event_id\":\"e1\",\"page\":\"" + "x".repeat(300) + "\"}";

    Row row = parse(true, padded).get(0);

    assertThat(row.getString(5)).isEqualTo("record_too_large");
    assertThat(padded).hasSize(327);
    assertThat(row.getString(6)).isEqualTo("record of 327 bytes exceeds the limit of 200");
    assertThat(row.isNullAt(0)).isTrue();
    assertThat(row.getString(7)).isEqualTo(padded);
  }

  @Test
  void unknownFieldsAreRescuedAsJsonUnlessRescueIsOff() {
    String line =
        "{\"event_id\":\"e1\",\"coupon\":\"X1\",\"tags\":[\"a\",\"b\"],\"geo\":{\"lat\":1.5}}";

    assertThat(parse(true, line).get(0).getString(4))
        .isEqualTo("{\"coupon\":\"X1\",\"tags\":[\"a\",\"b\"],\"geo\":{\"lat\":1.5}}");
    assertThat(parse(false, line).get(0).isNullAt(4)).isTrue();
    assertThat(parse(false, line).get(0).getString(0)).isEqualTo("e1");
  }

  @Test
  void rescuedValuesKeepTheirJsonTypeAsSent() {
    String line =
        "{\"event_id\":\"e1\",\"ab_bucket\":0,\"ratio\":1.50,\"vip\":true,\"ref\":null,"
            + "\"note\":\"say \\\"hi\\\"\",\"nested\":{\"a\": [1, {\"b\":false}]}}";

    String rescued = parse(true, line).get(0).getString(4);

    assertThat(rescued)
        .isEqualTo(
            "{\"ab_bucket\":0,\"ratio\":1.50,\"vip\":true,\"ref\":null,\"note\":\"say \\\"hi\\\"\",\"nested\":{\"a\": [1, {\"b\":false}]}}");
    // What a user gets back with Spark's JSON functions is what the producer sent.
    Row back =
        spark
            .createDataset(List.of(rescued), Encoders.STRING())
            .toDF("r")
            .selectExpr(
                "get_json_object(r, '$.ab_bucket') + 1",
                    "typeof(from_json(r, 'ab_bucket INT, vip BOOLEAN').vip)",
                "get_json_object(r, '$.note')", "get_json_object(r, '$.nested.a[1].b')")
            .first();
    assertThat(back.get(0)).isEqualTo(1L);
    assertThat(back.getString(1)).isEqualTo("boolean");
    assertThat(back.getString(2)).isEqualTo("say \"hi\"");
    assertThat(back.getString(3)).isEqualTo("false");
  }

  @Test
  void anythingAfterTheObjectMakesTheLineMalformed() {
    List<Row> rows =
        parse(
            true,
            "{\"event_id\":\"e1\"}{\"event_id\":\"e2\"}",
            "{\"event_id\":\"e3\"} trailing text",
            "{\"event_id\":\"e4\"},",
            "{\"event_id\":\"e5\"}   ");

    assertThat(rows)
        .extracting(row -> row.getString(0) + " | " + row.getString(5) + " | " + row.getString(6))
        .containsExactly(
            "null | malformed_json | text after the JSON object",
            "null | malformed_json | text after the JSON object",
            "null | malformed_json | text after the JSON object",
            "e5 | null | null");
  }

  @Test
  void nonFiniteAmountsAreTypeMismatchesHoweverSpelt() {
    List<Row> rows =
        parse(
            true,
            "{\"event_id\":\"e1\",\"amount\":\"NaN\"}",
            "{\"event_id\":\"e2\",\"amount\":\"-Infinity\"}",
            "{\"event_id\":\"e3\",\"amount\":NaN}",
            "{\"event_id\":\"e4\",\"amount\":Infinity}",
            "{\"event_id\":\"e5\",\"amount\":\"1e3\"}");

    assertThat(rows)
        .extracting(
            row ->
                row.getString(0)
                    + " | "
                    + row.get(3)
                    + " | "
                    + row.getString(5)
                    + " | "
                    + row.getString(6))
        .containsExactly(
            "e1 | null | type_mismatch | amount='NaN' is not DOUBLE",
            "e2 | null | type_mismatch | amount='-Infinity' is not DOUBLE",
            "e3 | null | type_mismatch | amount='NaN' is not DOUBLE",
            "e4 | null | type_mismatch | amount='Infinity' is not DOUBLE",
            "e5 | 1000.0 | null | null");
  }

  @Test
  void repeatedKeysDoNotFailTheQueryAndBlankLinesAreSkipped() {
    List<Row> rows = parse(true, "{\"event_id\":\"first\",\"event_id\":\"last\"}", "", "   ");

    assertThat(rows).hasSize(1);
    // The first of repeated keys counts.
    assertThat(rows.get(0).getString(0)).isEqualTo("first");
  }

  @Test
  void nullValuesAreMissingNotMismatched() {
    Row row = parse(true, "{\"event_id\":\"e1\",\"amount\":null}").get(0);

    assertThat(row.isNullAt(3)).isTrue();
    assertThat(row.isNullAt(5)).isTrue();
  }

  /** A VARIANT field holds each JSON value as sent: objects, arrays, and strings as strings. */
  @Test
  void aVariantFieldKeepsEveryKindOfJsonValue() {
    StructType withCtx = StructType.fromDDL("event_id STRING, ctx VARIANT");
    Dataset<Row> raw =
        spark
            .createDataset(
                List.of(
                    "{\"event_id\":\"e1\",\"ctx\":{\"os\":\"ios\",\"n\":[1,2]}}",
                    "{\"event_id\":\"e2\",\"ctx\":\"text\"}",
                    "{\"event_id\":\"e3\",\"ctx\":7.5}",
                    "{\"event_id\":\"e4\",\"ctx\":null}",
                    "{\"event_id\":\"e5\",\"ctx\":NaN}"),
                Encoders.STRING())
            .toDF("_raw_record");
    List<Row> rows =
        new EventParser(withCtx, 200, true)
            .parse(raw)
            .select(
                org.apache.spark.sql.functions.col("event_id"),
                org.apache.spark.sql.functions.to_json(org.apache.spark.sql.functions.col("ctx")),
                org.apache.spark.sql.functions.col("_quarantine_reason"))
            .collectAsList();
    assertThat(rows)
        .extracting(Row::toString)
        .containsExactly(
            "[e1,{\"n\":[1,2],\"os\":\"ios\"},null]",
            "[e2,\"text\",null]",
            "[e3,7.5,null]",
            "[e4,null,null]",
            "[e5,null,type_mismatch]");
  }
}

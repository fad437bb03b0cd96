package io.lakestream.stage;

import static io.lakestream.testing.Events.at;
import static io.lakestream.testing.TestTables.table;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.variant_get;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.app.Pipeline;
import io.lakestream.config.ConfigKeys;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.table.BronzeTable;
import io.lakestream.testing.Events;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest.nested=variant}: objects and arrays become VARIANT columns of bronze and silver,
 * read back with {@code variant_get}, whether the contract declares them, infers them, or adds them
 * as new fields.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NestedValuesStreamTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  private static String event(String id, String extra) {
    return Events.event(id, "u1", "view", at(0)).replace("}", "," + extra + "}");
  }

  @Test
  void declaredObjectsAndArraysAreVariantColumnsReadBackWithVariantGet() throws Exception {
    LakestreamConfig config =
        TestConfigs.local(
            root,
            Map.of(
                "pipeline.stop_after", "silver",
                "ingest.nested", "variant",
                "ingest.schema",
                    ConfigKeys.SAMPLE_EVENT_SCHEMA + ", ctx VARIANT, tags ARRAY<STRING>"));
    Events.land(
        root.resolve("landing"),
        "a.json",
        List.of(
            event("e1", "\"ctx\":{\"os\":\"ios\",\"build\":{\"n\":42}},\"tags\":[\"a\",\"b\"]"),
            event("e2", "\"ctx\":\"plain text\",\"tags\":null"),
            event("e3", "\"other\":{\"x\":1}")));

    new Pipeline(spark, config).run();

    for (String layer : List.of(BronzeTable.NAME, "silver_events")) {
      Dataset<Row> rows = table(config, layer).orderBy("event_id");
      assertThat(rows.schema().apply("ctx").dataType()).isEqualTo(DataTypes.VariantType);
      assertThat(rows.schema().apply("tags").dataType()).isEqualTo(DataTypes.VariantType);
      assertThat(
              rows.select(
                      col("event_id"),
                      variant_get(col("ctx"), "$.os", "string"),
                      variant_get(col("ctx"), "$.build.n", "int"),
                      variant_get(col("ctx"), "$", "string"),
                      variant_get(col("tags"), "$[1]", "string"),
                      col(BronzeTable.RESCUED_DATA))
                  .collectAsList())
          .as(layer)
          .extracting(Row::toString)
          .containsExactly(
              "[e1,ios,42,{\"build\":{\"n\":42},\"os\":\"ios\"},b,null]",
              "[e2,null,null,plain text,null,null]",
              "[e3,null,null,null,null,{\"other\":{\"x\":1}}]");
    }
  }

  /**
   * Inference proposes VARIANT for objects and arrays, DECIMAL and TIMESTAMP where asked and every
   * sampled value agrees; a new object field arriving later is added as VARIANT (the batch that
   * first carries it keeps it rescued).
   */
  @Test
  void inferenceAndNewFieldsProposeVariantDecimalAndTimestamp() throws Exception {
    LakestreamConfig config =
        TestConfigs.local(
            root,
            Map.of(
                "pipeline.stop_after", "silver",
                "ingest.schema", "infer",
                "ingest.nested", "variant",
                "ingest.infer_decimals", "true",
                "ingest.infer_timestamps", "true",
                "ingest.max_files_per_trigger", "1"));
    Path landing = root.resolve("landing");
    Events.land(
        landing,
        "a.json",
        List.of(
            event(
                "e1",
                "\"ctx\":{\"os\":\"ios\"},\"price\":12.50,\"seen_at\":\"2026-11-01T10:05:00Z\""),
            event("e2", "\"ctx\":[1,2],\"price\":3.25,\"seen_at\":\"2026-11-01T10:06:00Z\"")));

    new Pipeline(spark, config).run();

    Dataset<Row> bronze = table(config, BronzeTable.NAME);
    assertThat(bronze.schema().apply("ctx").dataType()).isEqualTo(DataTypes.VariantType);
    assertThat(bronze.schema().apply("price").dataType())
        .isEqualTo(DataTypes.createDecimalType(4, 2));
    assertThat(bronze.schema().apply("seen_at").dataType()).isEqualTo(DataTypes.TimestampType);

    Events.land(landing, "b.json", List.of(event("e3", "\"geo\":{\"lat\":1.5}")));
    Events.land(landing, "c.json", List.of(event("e4", "\"geo\":{\"lat\":2.5},\"ctx\":\"x\"")));

    new Pipeline(spark, config).run();

    Dataset<Row> silver = table(config, "silver_events");
    assertThat(silver.schema().apply("geo").dataType()).isEqualTo(DataTypes.VariantType);
    assertThat(
            silver
                .orderBy("event_id")
                .select(
                    col("event_id"),
                    variant_get(col("ctx"), "$", "string"),
                    col("price"),
                    col("seen_at").cast("string"),
                    variant_get(col("geo"), "$.lat", "double"),
                    col(BronzeTable.RESCUED_DATA))
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly(
            "[e1,{\"os\":\"ios\"},12.50,2026-11-01 10:05:00,null,null]",
            "[e2,[1,2],3.25,2026-11-01 10:06:00,null,null]",
            "[e3,null,null,null,null,{\"geo\":{\"lat\":1.5}}]",
            "[e4,x,null,null,2.5,null]");
  }
}

package io.lakestream.sink;

import static io.lakestream.testing.Events.at;
import static io.lakestream.testing.Events.event;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.app.Pipeline;
import io.lakestream.app.QueryFailedException;
import io.lakestream.config.ConfigException;
import io.lakestream.config.ConfigKeys;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.table.BronzeTable;
import io.lakestream.table.Tables;
import io.lakestream.testing.Events;
import io.lakestream.testing.SampleData;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A field outside ingest.schema, under each ingest.schema_evolution mode, and ingest.schema widened
 * by the user.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SchemaEvolutionStreamTest {

  private static final String WIDER = ConfigKeys.SAMPLE_EVENT_SCHEMA + ", country STRING";

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  /** An event with a field the default contract lacks. */
  private static String withCountry(String eventId, String country) {
    String line = event(eventId, "u1", "click", at(1));
    return line.substring(0, line.length() - 1) + ",\"country\":\"" + country + "\"}";
  }

  @Test
  void failOnNewColumnsWritesNothingAndTheWidenedSchemaReadsTheBatchTyped() throws Exception {
    Map<String, String> settings =
        new HashMap<>(
            Map.of(
                "pipeline.stop_after", "silver", "ingest.schema_evolution", "fail_on_new_columns"));
    Path file =
        Events.land(
            root.resolve("landing"),
            "a.json",
            List.of(
                event("e1", "u1", "click", at(0)),
                withCountry("e2", "DE"),
                withCountry("e3", "FR")));
    LakestreamConfig strict = TestConfigs.local(root, settings);

    assertThatThrownBy(() -> new Pipeline(spark, strict).run())
        .isInstanceOf(QueryFailedException.class)
        .hasMessageContaining("query 'bronze_events' failed")
        .hasMessageContaining(
            "batch 0 of bronze_events holds fields that are not in ingest.schema: 'country' (2 records, first in")
        .hasMessageContaining(file.getFileName().toString())
        .hasMessageContaining("Nothing of this batch was written");
    assertThat(spark.table(strict.catalog().tableIdentifier(BronzeTable.NAME)).count()).isZero();
    assertThat(root.resolve("landing").resolve("a.json"))
        .exists(); // not archived: the batch did not commit

    settings.put("ingest.schema", WIDER);
    LakestreamConfig widened = TestConfigs.local(root, settings);
    new Pipeline(spark, widened).run();

    assertThat(
            spark
                .table(widened.catalog().tableIdentifier(Tables.SILVER_EVENTS))
                .orderBy("event_id")
                .select("event_id", "country", BronzeTable.RESCUED_DATA)
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly("[e1,null,null]", "[e2,DE,null]", "[e3,FR,null]");
  }

  @Test
  void aFieldAddedToIngestSchemaWidensTheExistingTablesAndEarlierRowsKeepItRescued()
      throws Exception {
    Map<String, String> settings = new HashMap<>(Map.of("pipeline.stop_after", "silver"));
    Events.land(root.resolve("landing"), "a.json", List.of(withCountry("e1", "DE")));
    new Pipeline(spark, TestConfigs.local(root, settings)).run();

    settings.put("ingest.schema", WIDER);
    LakestreamConfig widened = TestConfigs.local(root, settings);
    Events.land(root.resolve("landing"), "b.json", List.of(withCountry("e2", "FR")));
    new Pipeline(spark, widened).run();

    for (String table : List.of(BronzeTable.NAME, Tables.SILVER_EVENTS)) {
      assertThat(
              spark
                  .table(widened.catalog().tableIdentifier(table))
                  .orderBy("event_id")
                  .select(col("event_id"), col("country"), col(BronzeTable.RESCUED_DATA))
                  .collectAsList())
          .as(table)
          .extracting(Row::toString)
          .containsExactly("[e1,null,{\"country\":\"DE\"}]", "[e2,FR,null]");
    }
  }

  @Test
  void aNumericTypeWidenedInIngestSchemaIsWidenedInPlaceAndSilverAndGoldKeepStreaming()
      throws Exception {
    Map<String, String> settings =
        new HashMap<>(Map.of("ingest.schema", ConfigKeys.SAMPLE_EVENT_SCHEMA + ", qty INT"));
    Events.land(root.resolve("landing"), "a.json", List.of(with("e1", 1, "\"qty\":3")));
    new Pipeline(spark, TestConfigs.local(root, settings)).run();

    settings.put("ingest.schema", ConfigKeys.SAMPLE_EVENT_SCHEMA + ", qty BIGINT");
    LakestreamConfig widened = TestConfigs.local(root, settings);
    Events.land(root.resolve("landing"), "b.json", List.of(with("e2", 2, "\"qty\":5000000000")));
    new Pipeline(spark, widened).run();

    for (String table : List.of(BronzeTable.NAME, Tables.SILVER_EVENTS)) {
      Dataset<Row> rows = spark.table(widened.catalog().tableIdentifier(table));
      assertThat(rows.schema().apply("qty").dataType().sql()).as(table).isEqualTo("BIGINT");
      assertThat(
              rows.orderBy("event_id")
                  .select(col("event_id"), col("qty"), col(BronzeTable.RESCUED_DATA))
                  .collectAsList())
          .as(table)
          .extracting(Row::toString)
          .containsExactly("[e1,3,null]", "[e2,5000000000,null]");
    }
    assertThat(
            spark
                .table(widened.catalog().tableIdentifier(Tables.GOLD_EVENT_TYPE_TOTALS))
                .select("event_type", "event_count")
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly("[click,2]");

    settings.put("ingest.schema", ConfigKeys.SAMPLE_EVENT_SCHEMA + ", qty INT");
    assertThatThrownBy(() -> new Pipeline(spark, TestConfigs.local(root, settings)).run())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "has column qty of type BIGINT, but this configuration writes it as INT")
        .hasMessageContaining("only to a wider one");
  }

  /** An event with extra fields, given as JSON text ("\"country\":\"DE\""). */
  private static String with(String eventId, int minute, String extraFields) {
    String line = event(eventId, "u1", "click", at(minute));
    return line.substring(0, line.length() - 1) + "," + extraFields + "}";
  }

  @Test
  void addNewColumnsRecordsEachNewFieldTypedAndRestartsTheQueriesInTheSameRun() throws Exception {
    Path landing = root.resolve("landing");
    // One file per micro-batch; each file's events are later than the last file's.
    Events.land(landing, "f1.json", List.of(event("e1", "u1", "click", at(1))));
    Events.land(
        landing,
        "f2.json",
        List.of(
            with("e2", 2, "\"country\":\"DE\",\"score\":7,\"vip\":true"),
            with("e3", 2, "\"tier\":null")));
    Events.land(
        landing,
        "f3.json",
        List.of(with("e4", 3, "\"country\":\"FR\",\"score\":8,\"vip\":false,\"tier\":null")));
    Events.land(
        landing,
        "f4.json",
        List.of(with("e5", 4, "\"tier\":\"gold\",\"ratio\":1.5"), with("e6", 4, "\"ratio\":2")));
    Events.land(
        landing,
        "f5.json",
        List.of(with("e7", 5, "\"tier\":\"silver\",\"ratio\":3,\"country\":\"IT\"")));
    LakestreamConfig config =
        TestConfigs.local(
            root,
            Map.of(
                "pipeline.stop_after",
                "silver",
                "ingest.schema_evolution",
                "add_new_columns",
                "ingest.max_files_per_trigger",
                "1"));

    new Pipeline(spark, config).run();

    String columns = "event_id, country, score, vip, tier, ratio, _rescued_data";
    for (String table : List.of(BronzeTable.NAME, Tables.SILVER_EVENTS)) {
      assertThat(
              spark
                  .table(config.catalog().tableIdentifier(table))
                  .orderBy("event_id")
                  .selectExpr(columns.split(", "))
                  .collectAsList())
          .as(table)
          .extracting(Row::toString)
          .containsExactly(
              "[e1,null,null,null,null,null,null]",
              // f2 first carried country, score and vip: kept rescued; tier was only null, so not
              // added yet.
              "[e2,null,null,null,null,null,{\"country\":\"DE\",\"score\":7,\"vip\":true}]",
              "[e3,null,null,null,null,null,{\"tier\":null}]",
              "[e4,FR,8,false,null,null,{\"tier\":null}]",
              // f4 first carried tier's value and ratio (1.5 and 2: DOUBLE).
              "[e5,null,null,null,null,null,{\"tier\":\"gold\",\"ratio\":1.5}]",
              "[e6,null,null,null,null,null,{\"ratio\":2}]",
              "[e7,IT,null,null,silver,3.0,null]");
    }
    assertThat(spark.table(config.catalog().tableIdentifier(Tables.SILVER_EVENTS)).schema().toDDL())
        .contains("country STRING", "score BIGINT", "vip BOOLEAN", "tier STRING", "ratio DOUBLE");
    // One readable file per change, beside bronze's checkpoint.
    Path history = root.resolve("checkpoints/bronze_events/lakestream-schema");
    assertThat(history.resolve("1.json")).exists();
    assertThat(history.resolve("2.json")).exists();
    assertThat(history.resolve("3.json")).doesNotExist();
    assertThat(java.nio.file.Files.readString(history.resolve("2.json")))
        .contains("\"name\" : \"ratio\"", "\"type\" : \"DOUBLE\"", "f4.json");

    // The next run starts over the recorded contract without restarting: no new fields, same rows.
    Events.land(landing, "f6.json", List.of(with("e8", 6, "\"ratio\":4,\"vip\":true")));
    new Pipeline(spark, config).run();
    assertThat(
            spark
                .table(config.catalog().tableIdentifier(Tables.SILVER_EVENTS))
                .where("event_id = 'e8'")
                .selectExpr("vip", "ratio", "_rescued_data")
                .first()
                .toString())
        .isEqualTo("[true,4.0,null]");
    assertThat(spark.table(config.catalog().tableIdentifier(BronzeTable.NAME)).count())
        .isEqualTo(8);
  }

  @Test
  void anInferredContractIsStoredOnceAndWithAHintGivesTheExplicitContractsSilverRows()
      throws Exception {
    Path explicitRoot = root.resolve("explicit");
    Path inferredRoot = root.resolve("inferred");
    SampleData.land(explicitRoot.resolve("landing"), SampleData.ALL);
    SampleData.land(inferredRoot.resolve("landing"), SampleData.ALL);
    LakestreamConfig explicit =
        TestConfigs.local(explicitRoot, Map.of("pipeline.stop_after", "silver"));
    LakestreamConfig inferred =
        TestConfigs.local(
            inferredRoot,
            Map.of(
                "pipeline.stop_after",
                "silver",
                "ingest.schema",
                "infer",
                "ingest.schema_hints",
                "amount DOUBLE"));
    assertThat(inferred.ingest().schemaEvolution())
        .isEqualTo(io.lakestream.config.SchemaEvolution.ADD_NEW_COLUMNS);

    new Pipeline(spark, explicit).run();
    new Pipeline(spark, inferred).run();

    String[] contract = {
      "event_id", "user_id", "event_type", "event_time", "page", "device", "amount", "_rescued_data"
    };
    List<Row> expected =
        spark
            .table(explicit.catalog().tableIdentifier(Tables.SILVER_EVENTS))
            .selectExpr(contract)
            .orderBy("event_id")
            .collectAsList();
    assertThat(expected).hasSizeGreaterThan(200);
    assertThat(
            spark
                .table(inferred.catalog().tableIdentifier(Tables.SILVER_EVENTS))
                .selectExpr(contract)
                .orderBy("event_id")
                .collectAsList())
        .isEqualTo(expected);
    Path stored = inferredRoot.resolve("checkpoints/bronze_events/lakestream-schema/0.json");
    assertThat(java.nio.file.Files.readString(stored))
        .contains(
            "\"contract\" : \"event_id STRING,user_id STRING,event_type STRING,event_time TIMESTAMP,amount DOUBLE,device STRING,page STRING\"")
        .contains("\"inferred_from_files\" : 4");
    assertThat(inferredRoot.resolve("checkpoints/bronze_events/lakestream-schema/1.json"))
        .doesNotExist();

    // A later run reads the stored contract: no second inference, even over a file with a new
    // field.
    java.nio.file.attribute.FileTime storedAt = java.nio.file.Files.getLastModifiedTime(stored);
    Events.land(
        inferredRoot.resolve("landing"), "later.json", List.of(with("z1", 50, "\"score\":3")));
    new Pipeline(spark, inferred).run();
    assertThat(java.nio.file.Files.getLastModifiedTime(stored)).isEqualTo(storedAt);
    assertThat(inferredRoot.resolve("checkpoints/bronze_events/lakestream-schema/1.json"))
        .exists(); // score, by add_new_columns

    // Without the hint the sample's two "abc" amounts make amount a STRING.
    Path sample = root.resolve("sample");
    SampleData.land(sample, SampleData.ALL);
    StructType seed =
        StructType.fromDDL(
            "event_id STRING, user_id STRING, event_type STRING, event_time TIMESTAMP");
    assertThat(
            new io.lakestream.contract.EventSchemaInference(spark)
                .infer(sample.toString(), seed)
                .contract()
                .toDDL())
        .isEqualTo(
            "event_id STRING,user_id STRING,event_type STRING,event_time TIMESTAMP,amount STRING,device STRING,page STRING");
  }

  @Test
  void aFieldRemovedFromIngestSchemaIsRefusedAtStartUp() throws Exception {
    Map<String, String> settings =
        new HashMap<>(Map.of("pipeline.stop_after", "bronze", "ingest.schema", WIDER));
    new Pipeline(spark, TestConfigs.local(root, settings)).setUp();

    settings.remove("ingest.schema");
    LakestreamConfig narrower = TestConfigs.local(root, settings);
    assertThatThrownBy(() -> new Pipeline(spark, narrower).run())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "ingest.schema lacks field(s) that table "
                + narrower.catalog().tableIdentifier(BronzeTable.NAME)
                + " holds: country STRING")
        .hasMessageContaining("put it back in ingest.schema");
  }

  @Test
  void noneIgnoresUnknownFieldsAndFailNeedsThemRescued() {
    LakestreamConfig none = TestConfigs.local(root, Map.of("ingest.schema_evolution", "none"));
    assertThat(none.ingest().rescueUnknownFields()).isFalse();
    assertThat(TestConfigs.local(root).ingest().rescueUnknownFields()).isTrue();

    assertThatThrownBy(
            () ->
                TestConfigs.local(
                    root,
                    Map.of(
                        "ingest.schema_evolution",
                        "fail_on_new_columns",
                        "ingest.rescue_unknown_fields",
                        "false")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.schema_evolution")
        .hasMessageContaining("remove that setting");
    assertThatThrownBy(
            () -> TestConfigs.local(root, Map.of("ingest.schema_hints", "amount DOUBLE")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.schema_hints")
        .hasMessageContaining("set ingest.schema=infer");
    assertThatThrownBy(
            () ->
                TestConfigs.local(
                    root,
                    Map.of("ingest.schema", "infer", "ingest.schema_hints", "event_time STRING")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("event_time must be TIMESTAMP");
    LakestreamConfig inferredStrict =
        TestConfigs.local(
            root,
            Map.of(
                "ingest.schema",
                "INFER",
                "ingest.schema_evolution",
                "rescue",
                "ingest.schema_hints",
                "score BIGINT"));
    assertThat(inferredStrict.ingest().schemaEvolution())
        .isEqualTo(io.lakestream.config.SchemaEvolution.RESCUE);
    assertThat(inferredStrict.ingest().eventSchema().toDDL())
        .isEqualTo(
            "event_id STRING,user_id STRING,event_type STRING,event_time TIMESTAMP,amount DOUBLE,"
                + "score BIGINT");
    assertThatThrownBy(
            () -> TestConfigs.local(root, Map.of("ingest.schema_evolution", "add_columns")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.schema_evolution = 'add_columns'")
        .hasMessageContaining("rescue | fail_on_new_columns | none");
  }
}

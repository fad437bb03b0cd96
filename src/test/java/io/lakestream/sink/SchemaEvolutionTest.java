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
import io.lakestream.testing.Events;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A field outside ingest.schema, under each ingest.schema_evolution mode, and ingest.schema widened by the user. */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SchemaEvolutionTest {

  private static final String WIDER = ConfigKeys.DEFAULT_EVENT_SCHEMA + ", country STRING";

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
        new HashMap<>(Map.of("pipeline.stop_after", "silver", "ingest.schema_evolution", "fail_on_new_columns"));
    Path file =
        Events.land(
            root.resolve("landing"), "a.json", List.of(event("e1", "u1", "click", at(0)), withCountry("e2", "DE"), withCountry("e3", "FR")));
    LakestreamConfig strict = TestConfigs.local(root, settings);

    assertThatThrownBy(() -> new Pipeline(spark, strict).run())
        .isInstanceOf(QueryFailedException.class)
        .hasMessageContaining("query 'bronze_events' failed")
        .hasMessageContaining("batch 0 of bronze_events holds fields that are not in ingest.schema: 'country' (2 records, first in")
        .hasMessageContaining(file.getFileName().toString())
        .hasMessageContaining("Nothing of this batch was written");
    assertThat(spark.table(strict.catalog().tableIdentifier(BronzeTable.NAME)).count()).isZero();
    assertThat(root.resolve("landing").resolve("a.json")).exists(); // not archived: the batch did not commit

    settings.put("ingest.schema", WIDER);
    LakestreamConfig widened = TestConfigs.local(root, settings);
    new Pipeline(spark, widened).run();

    assertThat(
            spark.table(widened.catalog().tableIdentifier(Tables.SILVER_EVENTS)).orderBy("event_id")
                .select("event_id", "country", BronzeTable.RESCUED_DATA).collectAsList())
        .extracting(Row::toString)
        .containsExactly("[e1,null,null]", "[e2,DE,null]", "[e3,FR,null]");
  }

  @Test
  void aFieldAddedToIngestSchemaWidensTheExistingTablesAndEarlierRowsKeepItRescued() throws Exception {
    Map<String, String> settings = new HashMap<>(Map.of("pipeline.stop_after", "silver"));
    Events.land(root.resolve("landing"), "a.json", List.of(withCountry("e1", "DE")));
    new Pipeline(spark, TestConfigs.local(root, settings)).run();

    settings.put("ingest.schema", WIDER);
    LakestreamConfig widened = TestConfigs.local(root, settings);
    Events.land(root.resolve("landing"), "b.json", List.of(withCountry("e2", "FR")));
    new Pipeline(spark, widened).run();

    for (String table : List.of(BronzeTable.NAME, Tables.SILVER_EVENTS)) {
      assertThat(
              spark.table(widened.catalog().tableIdentifier(table)).orderBy("event_id")
                  .select(col("event_id"), col("country"), col(BronzeTable.RESCUED_DATA)).collectAsList())
          .as(table)
          .extracting(Row::toString)
          .containsExactly("[e1,null,{\"country\":\"DE\"}]", "[e2,FR,null]");
    }
  }

  @Test
  void noneIgnoresUnknownFieldsAndFailNeedsThemRescued() {
    LakestreamConfig none = TestConfigs.local(root, Map.of("ingest.schema_evolution", "none"));
    assertThat(none.ingest().rescueUnknownFields()).isFalse();
    assertThat(TestConfigs.local(root).ingest().rescueUnknownFields()).isTrue();

    assertThatThrownBy(
            () -> TestConfigs.local(root, Map.of("ingest.schema_evolution", "fail_on_new_columns", "ingest.rescue_unknown_fields", "false")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.schema_evolution")
        .hasMessageContaining("remove that setting");
    assertThatThrownBy(() -> TestConfigs.local(root, Map.of("ingest.schema_evolution", "add_columns")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.schema_evolution = 'add_columns'")
        .hasMessageContaining("rescue | fail_on_new_columns | none");
  }
}

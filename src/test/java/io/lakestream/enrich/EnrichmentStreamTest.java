package io.lakestream.enrich;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import io.lakestream.app.Pipeline;
import io.lakestream.config.ConfigException;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.table.Tables;
import io.lakestream.testing.SampleData;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Silver events joined with the users reference table: per batch, latest version, no duplicates, no
 * loss.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class EnrichmentStreamTest {

  private static final StructType EVENTS = StructType.fromDDL("event_id STRING, user_id STRING");
  private static final StructType USERS =
      StructType.fromDDL("user_id STRING, country STRING, plan STRING, updated_at TIMESTAMP");

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  @Test
  void eachMicroBatchJoinsTheTablesLatestVersionAndCountsTheUnmatched() throws Exception {
    String users = root.resolve("users").toString();
    // " U1 " is matched as u1, like the events' ids; u3 is held twice: the later updated_at wins.
    write(
        users,
        USERS,
        List.of(
            RowFactory.create(" U1 ", "DE", "free", ts("2026-01-01T00:00:00")),
            RowFactory.create("u2", "FR", "pro", ts("2026-01-01T00:00:00")),
            RowFactory.create("u3", "US", "free", ts("2026-01-01T00:00:00")),
            RowFactory.create("u3", "GB", "team", ts("2026-02-01T00:00:00"))));
    LakestreamConfig config =
        TestConfigs.local(root, Map.of("enrich.enabled", "true", "enrich.users.table", users));
    UsersReference reference =
        new UsersReference(spark, config.enrich(), config.catalog(), config.volume());
    assertThat(reference.prepare().toDDL()).isEqualTo("country STRING,plan STRING");

    String events = root.resolve("events").toString();
    write(
        events,
        EVENTS,
        List.of(
            RowFactory.create("e1", "u1"),
            RowFactory.create("e2", "u2"),
            RowFactory.create("e3", "u3")));
    String sink = "enriched_" + Math.abs(root.hashCode());
    StreamingQuery query =
        new EnrichWithUsers(reference)
            .apply(spark.readStream().format("delta").load(events))
            .writeStream()
            .format("memory")
            .queryName(sink)
            .option("checkpointLocation", root.resolve("checkpoint").toString())
            .start();
    try {
      query.processAllAvailable();
      // Between the two batches: u1 moves to the pro plan.
      DeltaTable.forPath(spark, users)
          .update(
              col("user_id").equalTo(" U1 "),
              Map.of("plan", lit("pro"), "updated_at", lit(ts("2026-03-01T00:00:00"))));
      append(
          events,
          EVENTS,
          List.of(
              RowFactory.create("e4", "u1"),
              RowFactory.create("e5", "u9"),
              RowFactory.create("e6", "u3")));
      query.processAllAvailable();
    } finally {
      query.stop();
    }

    assertThat(spark.table(sink).orderBy("event_id").collectAsList())
        .extracting(Row::toString)
        .containsExactly(
            "[e1,u1,DE,free]",
            "[e2,u2,FR,pro]",
            "[e3,u3,GB,team]",
            "[e4,u1,DE,pro]",
            "[e5,u9,null,null]",
            "[e6,u3,GB,team]");
    List<Long> unmatched = new ArrayList<>();
    for (StreamingQueryProgress progress : query.recentProgress()) {
      Row metrics = progress.observedMetrics().get(EnrichWithUsers.METRICS);
      if (metrics != null && progress.numInputRows() > 0) {
        unmatched.add(metrics.<Long>getAs(EnrichWithUsers.UNMATCHED));
      }
    }
    assertThat(unmatched).containsExactly(0L, 1L);
  }

  @Test
  void aMissingTableOrOneWithoutTheKeyOrAColumnStopsTheStart() throws Exception {
    Map<String, String> enrich = new HashMap<>(Map.of("enrich.enabled", "true"));
    LakestreamConfig missing = TestConfigs.local(root, enrich);
    assertThatThrownBy(() -> new Pipeline(spark, missing).setUp())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("enrich.users.table = 'ref_users'")
        .hasMessageContaining("does not exist")
        .hasMessageContaining("enrich.users.seed");

    String noKey = root.resolve("no-key").toString();
    write(
        noKey,
        StructType.fromDDL("id STRING, country STRING, plan STRING, updated_at TIMESTAMP"),
        List.of());
    enrich.put("enrich.users.table", noKey);
    assertThatThrownBy(() -> new Pipeline(spark, TestConfigs.local(root, enrich)).setUp())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("enrich.users.table = '" + noKey + "'")
        .hasMessageContaining("no column user_id");

    String users = root.resolve("users").toString();
    write(users, USERS, List.of());
    enrich.put("enrich.users.table", users);
    enrich.put("enrich.users.columns", "country, tier");
    assertThatThrownBy(() -> new Pipeline(spark, TestConfigs.local(root, enrich)).setUp())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no column tier");

    enrich.put("enrich.users.columns", "country, event_type");
    assertThatThrownBy(() -> TestConfigs.local(root, enrich))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("enrich.users.columns")
        .hasMessageContaining("event_type is already a silver_events column");
  }

  @Test
  void aSeedWithALineItCannotReadStopsTheStartAndLeavesNoTable() throws Exception {
    Path seed = root.resolve("users.json");
    List<String> lines = Files.readAllLines(SampleData.FOLDER.resolve("reference/users.json"));
    List<String> broken = new ArrayList<>(lines);
    broken.add(3, "{\"user_id\":\"u99\",\"signup_date\":\"not a date\"}");
    Files.write(seed, broken);
    LakestreamConfig config =
        TestConfigs.local(
            root, Map.of("enrich.enabled", "true", "enrich.users.seed", seed.toString()));

    assertThatThrownBy(() -> new Pipeline(spark, config).setUp())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("enrich.users.seed = '" + seed + "'")
        .hasMessageContaining("cannot be read as JSON lines");
    assertThat(
            io.delta.tables.DeltaTable.isDeltaTable(
                spark, root.resolve("tables/ref_users").toString()))
        .as("nothing committed: the next start reads the seed again")
        .isFalse();

    Files.write(seed, lines);
    new Pipeline(spark, config).setUp();
    assertThat(spark.table(config.catalog().tableIdentifier("ref_users")).count()).isEqualTo(10);
  }

  @Test
  void silverGainsTheColumnsWhenEnrichmentIsSwitchedOnAndGoldGoesOn() throws Exception {
    Path landing = root.resolve("landing");
    SampleData.land(landing, "events-00001.json", "events-00002.json");
    new Pipeline(spark, TestConfigs.local(root, Map.of())).run();

    LakestreamConfig config =
        TestConfigs.local(
            root,
            Map.of(
                "enrich.enabled",
                "true",
                "enrich.users.seed",
                SampleData.FOLDER.resolve("reference/users.json").toString()));
    SampleData.land(landing, "events-00003.json", "events-00004.json");
    new Pipeline(spark, config).run();

    Map<String, String> countryOf = new HashMap<>();
    for (String line : Files.readAllLines(SampleData.FOLDER.resolve("reference/users.json"))) {
      Row user =
          spark
              .read()
              .json(spark.createDataset(List.of(line), org.apache.spark.sql.Encoders.STRING()))
              .first();
      countryOf.put(user.<String>getAs("user_id"), user.<String>getAs("country"));
    }
    assertThat(countryOf).hasSize(10);
    assertThat(spark.table(config.catalog().tableIdentifier("ref_users")).count()).isEqualTo(10);

    Dataset<Row> silver = spark.table(config.catalog().tableIdentifier(Tables.SILVER_EVENTS));
    assertThat(silver.columns()).endsWith("country", "plan");
    long unmatchedLater = 0;
    long later = 0;
    for (Row row : silver.collectAsList()) {
      String file = row.<String>getAs("_source_file");
      String country = row.getAs("country");
      if (file.endsWith("events-00001.json") || file.endsWith("events-00002.json")) {
        assertThat(country).as("written before enrichment was on").isNull();
      } else {
        later++;
        assertThat(country).as("%s", row).isEqualTo(countryOf.get(row.<String>getAs("user_id")));
        if (country == null) {
          unmatchedLater++;
        }
      }
    }
    assertThat(later).isPositive();
    assertThat(unmatchedLater).isPositive();
    // Nothing lost or doubled: silver holds each valid event once, whatever the reference table
    // holds.
    assertThat(silver.count()).isEqualTo(silver.select("event_id").distinct().count());
    List<Row> progress =
        spark
            .table(config.catalog().tableIdentifier(Tables.PIPELINE_PROGRESS))
            .filter(
                col("query")
                    .equalTo(Tables.SILVER_EVENTS)
                    .and(col("unmatched_enrichment").isNotNull()))
            .agg(org.apache.spark.sql.functions.sum("unmatched_enrichment"))
            .collectAsList();
    assertThat(progress.get(0).getLong(0)).isEqualTo(unmatchedLater);
    // Gold read the widened silver table on.
    assertThat(
            spark
                .table(config.catalog().tableIdentifier(Tables.GOLD_EVENT_TYPE_TOTALS))
                .agg(org.apache.spark.sql.functions.sum("event_count"))
                .first()
                .getLong(0))
        .isEqualTo(silver.count());
  }

  private void write(String folder, StructType schema, List<Row> rows) {
    spark.createDataFrame(rows, schema).write().format("delta").save(folder);
  }

  private void append(String folder, StructType schema, List<Row> rows) {
    spark.createDataFrame(rows, schema).write().format("delta").mode("append").save(folder);
  }

  private static java.sql.Timestamp ts(String utc) {
    return java.sql.Timestamp.from(java.time.Instant.parse(utc + "Z"));
  }
}

package io.lakestream.table;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.app.Pipeline;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class VolumeSetupTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  @Test
  void createsFoldersSchemaAndTablesAndASecondRunChangesNothing() throws IOException {
    LakestreamConfig config = TestConfigs.local(root);
    Pipeline pipeline = new Pipeline(spark, config);

    pipeline.setUp();
    List<String> afterFirst = listing(root);
    pipeline.setUp();
    List<String> afterSecond = listing(root);

    assertThat(afterSecond).isEqualTo(afterFirst);
    assertThat(afterFirst)
        .contains(
            "landing/",
            "archive/",
            "checkpoints/",
            "tables/",
            "tables/bronze_events/_delta_log/00000000000000000000.json")
        .noneMatch(path -> path.startsWith("tables/bronze_events/_delta_log/00000000000000000001"))
        .doesNotContain("quarantine/"); // quarantined records live in the quarantine_events table
    String schema = config.catalog().schema();
    assertThat(spark.catalog().databaseExists(schema)).isTrue();
    assertThat(spark.catalog().tableExists(schema, "bronze_events")).isTrue();
    assertThat(spark.table(config.catalog().tableIdentifier("bronze_events")).columns())
        .containsExactly(
            "event_id",
            "user_id",
            "event_type",
            "event_time",
            "page",
            "device",
            "amount",
            "_rescued_data",
            "_quarantine_reason",
            "_quarantine_detail",
            "_raw_record",
            "_source_file",
            "_ingested_at",
            "_batch_id");
    // Readable by path by any Delta reader, not only by name in this session.
    assertThat(
            spark
                .read()
                .format("delta")
                .load(root.resolve("tables/bronze_events").toString())
                .count())
        .isZero();
  }

  @Test
  void aVolumePathWithQuotesAndBackslashesIsQuotedTheSameWayEverywhere() throws IOException {
    Path odd = Files.createDirectories(root.resolve("o'neil \\ lake"));
    LakestreamConfig config = TestConfigs.local(odd);

    new Pipeline(spark, config).setUp();

    assertThat(new VolumeSetup(spark, config, List.of()).catalogStatements())
        .singleElement()
        .asString()
        .endsWith(
            " LOCATION '" + odd.toString().replace("\\", "\\\\").replace("'", "\\'") + "/tables'");
    // The tables were created in the odd folder itself (setUp also checks the catalog's location of
    // each).
    assertThat(Files.isDirectory(odd.resolve("tables/bronze_events/_delta_log"))).isTrue();
    assertThat(Files.isDirectory(odd.resolve("tables/quarantine_events/_delta_log"))).isTrue();
    assertThat(spark.table(config.catalog().tableIdentifier("bronze_events")).count()).isZero();
  }

  @Test
  void aBronzeOnlyRunPreparesNoSilverOrGoldTable() throws IOException {
    LakestreamConfig config = TestConfigs.local(root, Map.of("pipeline.stop_after", "bronze"));

    new Pipeline(spark, config).setUp();

    try (Stream<Path> tables = Files.list(root.resolve("tables"))) {
      assertThat(tables.map(path -> path.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "bronze_events",
              "quarantine_events",
              "audit_batches",
              "archive_log",
              "pipeline_progress");
    }
  }

  @Test
  void reRegistersExistingTablesInANewSessionCatalog() {
    LakestreamConfig first = TestConfigs.local(root);
    new Pipeline(spark, first).setUp();
    spark.sql(
        "INSERT INTO "
            + first.catalog().tableIdentifier("bronze_events")
            + " (event_id) VALUES ('kept')");

    // Another schema name stands for a fresh session catalog pointing at the same folders.
    LakestreamConfig second = TestConfigs.local(root);
    new Pipeline(spark, second).setUp();

    assertThat(spark.table(second.catalog().tableIdentifier("bronze_events")).collectAsList())
        .extracting(row -> row.getString(0))
        .containsExactly("kept");
  }

  @Test
  void unityModeCreatesSchemaThenVolumeByName() {
    LakestreamConfig config =
        io.lakestream.config.ConfigLoader.load(
            java.util.Optional.empty(),
            Map.of(),
            Map.of("catalog.mode", "unity", "catalog.name", "main", "catalog.volume", "raw"));

    VolumeSetup setup = new VolumeSetup(spark, config, List.of());

    assertThat(setup.catalogStatements())
        .containsExactly(
            "CREATE SCHEMA IF NOT EXISTS `main`.`streaming_workspace`",
            "CREATE VOLUME IF NOT EXISTS `main`.`streaming_workspace`.`raw`");
    assertThat(setup.folders())
        .containsExactly(
            "/Volumes/main/streaming_workspace/raw/landing",
            "/Volumes/main/streaming_workspace/raw/archive",
            "/Volumes/main/streaming_workspace/raw/checkpoints",
            "/Volumes/main/streaming_workspace/raw/tables");
  }

  @Test
  void eventTablesKeepStatisticsOnlyOnTheColumnsQueriesFilterBy() throws IOException {
    LakestreamConfig config = TestConfigs.local(root);
    String silver = config.catalog().tableIdentifier(Tables.SILVER_EVENTS);
    // A silver table an older lakestream created, without the property: set-up adds it.
    new Pipeline(spark, config).setUp();
    spark.sql("ALTER TABLE " + silver + " UNSET TBLPROPERTIES ('delta.dataSkippingStatsColumns')");
    new Pipeline(spark, config).setUp();

    assertThat(statsColumns(config, BronzeTable.NAME)).isEqualTo("_batch_id,_ingested_at");
    assertThat(statsColumns(config, Tables.QUARANTINE_EVENTS))
        .isEqualTo("reason,event_id,ingested_at,batch_id");
    assertThat(statsColumns(config, Tables.SILVER_EVENTS))
        .isEqualTo("event_id,user_id,event_type,event_time,_ingested_at");

    TestSpark.withDeltaStatistics(
        () ->
            spark.sql(
                "INSERT INTO "
                    + silver
                    + " (event_id, user_id, event_type, event_time, page, event_date, _source_file,"
                    + " _ingested_at) VALUES ('e1', 'u1', 'view', TIMESTAMP'2026-01-01 00:00:00', '/home',"
                    + " DATE'2026-01-01', 'file:/landing/a.json', TIMESTAMP'2026-01-01 00:00:01')"));
    String lastCommit;
    try (Stream<Path> commits = Files.list(root.resolve("tables/silver_events/_delta_log"))) {
      lastCommit =
          Files.readString(
              commits
                  .filter(path -> path.toString().endsWith(".json"))
                  .sorted()
                  .reduce((a, b) -> b)
                  .orElseThrow());
    }
    String stats =
        spark
            .read()
            .json(
                spark.createDataset(
                    List.of(lastCommit.split("\n")), org.apache.spark.sql.Encoders.STRING()))
            .where("add IS NOT NULL")
            .selectExpr("add.stats")
            .first()
            .getString(0);
    assertThat(stats)
        .contains("\"numRecords\":1")
        .contains("\"event_id\":\"e1\"", "\"event_time\"", "\"_ingested_at\"")
        .doesNotContain("page", "_source_file", "device");
  }

  @Test
  void eventIdsAreWrittenWithoutDictionaryAndTimestampsAsInt64Micros() throws IOException {
    LakestreamConfig config = TestConfigs.local(root);
    new Pipeline(spark, config).setUp();
    for (String table : List.of(BronzeTable.NAME, Tables.SILVER_EVENTS)) {
      assertThat(tableProperty(config, table, "parquet.enable.dictionary#event_id"))
          .isEqualTo("false");
    }
    // Forty copies of one row: a dictionary would be the obvious encoding for every column.
    spark.sql(
        "INSERT INTO "
            + config.catalog().tableIdentifier(Tables.SILVER_EVENTS)
            + " (event_id, user_id, event_type, event_time, page, event_date, _source_file,"
            + " _ingested_at) SELECT 'e1', 'u1', 'view', TIMESTAMP'2026-01-01 00:00:00', '/home',"
            + " DATE'2026-01-01', 'file:/landing/a.json', TIMESTAMP'2026-01-01 00:00:01'"
            + " FROM range(40)");
    Path written;
    try (Stream<Path> files =
        Files.list(root.resolve("tables/silver_events/event_date=2026-01-01"))) {
      written =
          files.filter(path -> path.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    Map<String, org.apache.parquet.hadoop.metadata.ColumnChunkMetaData> columns =
        new java.util.HashMap<>();
    try (org.apache.parquet.hadoop.ParquetFileReader reader =
        org.apache.parquet.hadoop.ParquetFileReader.open(
            org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(written.toUri()),
                spark.sparkContext().hadoopConfiguration()))) {
      for (var column : reader.getFooter().getBlocks().get(0).getColumns()) {
        columns.put(column.getPath().toDotString(), column);
      }
    }
    assertThat(columns.get("event_id").hasDictionaryPage()).isFalse();
    assertThat(columns.get("user_id").hasDictionaryPage()).isTrue();
    assertThat(columns.get("event_time").getPrimitiveType().getPrimitiveTypeName())
        .isEqualTo(org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64);
    assertThat(spark.table(config.catalog().tableIdentifier(Tables.SILVER_EVENTS)).count())
        .isEqualTo(40);
  }

  private String statsColumns(LakestreamConfig config, String table) {
    return tableProperty(config, table, "delta.dataSkippingStatsColumns");
  }

  /** The table's value of {@code key}; null when the table does not hold it. */
  private String tableProperty(LakestreamConfig config, String table, String key) {
    return spark
        .sql("SHOW TBLPROPERTIES " + config.catalog().tableIdentifier(table))
        .where(col("key").equalTo(key))
        .collectAsList()
        .stream()
        .map(row -> row.getString(1))
        .findFirst()
        .orElse(null);
  }

  /** Every file and folder under {@code root}, relative, folders ending in "/", with file sizes. */
  private static List<String> listing(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths
          .filter(path -> !path.equals(root))
          .filter(path -> !path.getFileName().toString().endsWith(".crc"))
          .map(path -> root.relativize(path) + (Files.isDirectory(path) ? "/" : ""))
          .sorted()
          .toList();
    }
  }
}

package io.lakestream.sink;

import static io.lakestream.testing.TestTables.table;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.split;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.app.Pipeline;
import io.lakestream.app.RunSummary;
import io.lakestream.config.HaltAt;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.contract.NewFields;
import io.lakestream.table.BronzeTable;
import io.lakestream.table.TableOutbox;
import io.lakestream.table.Tables;
import io.lakestream.testing.SampleData;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON ingest into bronze_events over the committed sample files. Expected numbers were counted
 * from the files themselves: 75 lines each; unparseable lines (not JSON, truncated, "amount":"abc",
 * an impossible event_time) are 1 in events-00001, 4 in events-00002, 0 in events-00003 and 3 in
 * events-00004.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BronzeIngestStreamTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  private Dataset<Row> bronze(LakestreamConfig config) {
    return spark.table(config.catalog().tableIdentifier(BronzeTable.NAME));
  }

  @Test
  void ingestsEverySampleLineWithItsSourceFile() throws Exception {
    LakestreamConfig config = TestConfigs.local(root, Map.of("pipeline.stop_after", "bronze"));
    SampleData.land(root.resolve("landing"), SampleData.ALL);

    RunSummary summary = new Pipeline(spark, config).run().summary();

    Dataset<Row> bronze = bronze(config);
    assertThat(bronze.count()).isEqualTo(300);
    assertThat(bronze.filter(col("_quarantine_reason").isNotNull()).count()).isEqualTo(10);
    assertThat(bronze.filter(col("_raw_record").isNull()).count()).isZero();
    assertThat(bronze.filter(col("_source_file").isNull()).count()).isZero();
    assertThat(summary.total("bronze_events")).isEqualTo(300);
    assertThat(summary.thisRun("bronze_events")).isEqualTo(300);
    assertThat(summary.total("quarantine_events")).isEqualTo(10);
    assertThat(summary.files()).isEqualTo(4);

    // Line 1 of events-00001.json; the file repeats it three more times and bronze keeps every
    // copy.
    List<Row> first =
        bronze
            .filter(col("event_id").equalTo("e0000001"))
            .select(
                "user_id", "event_type", "event_time", "page", "device", "amount", "_source_file")
            .collectAsList();
    assertThat(first).hasSize(4).containsOnly(first.get(0));
    Row row = first.get(0);
    assertThat(row.getString(0)).isEqualTo("u002");
    assertThat(row.getString(1)).isEqualTo("purchase");
    assertThat(row.getTimestamp(2).toInstant()).isEqualTo(Instant.parse("2026-11-01T07:55:05Z"));
    assertThat(row.getString(3)).isEqualTo("/search");
    assertThat(row.getString(4)).isEqualTo("desktop");
    assertThat(row.getDouble(5)).isEqualTo(14.04);
    assertThat(row.getString(6)).startsWith("file:").endsWith("/landing/events-00001.json");

    // A line that is not JSON keeps its raw text; its event columns are null.
    Row garbage = bronze.filter(col("_raw_record").equalTo("not json at all #127")).first();
    assertThat(garbage.<String>getAs("event_id")).isNull();
    assertThat(garbage.<String>getAs("_quarantine_reason")).isEqualTo("malformed_json");
    assertThat(garbage.<String>getAs("_source_file")).endsWith("/events-00002.json");

    // Unparseable lines per file and reason, as counted from the files.
    assertThat(
            bronze
                .filter(col("_quarantine_reason").isNotNull())
                .groupBy(fileName(), col("_quarantine_reason"))
                .count()
                .orderBy("file", "_quarantine_reason")
                .collectAsList())
        .extracting(r -> r.getString(0) + " " + r.getString(1) + "=" + r.getLong(2))
        .containsExactly(
            "events-00001.json type_mismatch=1",
            "events-00002.json malformed_json=2",
            "events-00002.json type_mismatch=2",
            "events-00004.json malformed_json=2",
            "events-00004.json missing_required_field=2",
            "events-00004.json type_mismatch=1");
    assertThat(
            bronze
                .filter(col("_quarantine_detail").equalTo("amount='abc' is not DOUBLE"))
                .select("event_id")
                .as(Encoders.STRING())
                .collectAsList())
        .containsExactlyInAnyOrder("e0000116", "e0000266");
  }

  /**
   * Files compressed with gzip, bzip2 or zstd are read through Hadoop's codecs and archived as they
   * came. A truncated one is one quarantined record naming the file and the codec's error; the
   * batch's other files are written and every file is archived, in one run that ends well.
   */
  @Test
  void compressedFilesAreReadAndADamagedOneIsQuarantinedWholeAndArchived() throws Exception {
    LakestreamConfig config = TestConfigs.local(root, Map.of("pipeline.stop_after", "bronze"));
    Path landing = java.nio.file.Files.createDirectories(root.resolve("landing"));
    compressed(
        landing.resolve("a.json.gz"),
        new java.util.zip.GZIPOutputStream(
            java.nio.file.Files.newOutputStream(landing.resolve("a.json.gz"))),
        List.of(
            io.lakestream.testing.Events.event(
                "e1", "u1", "click", io.lakestream.testing.Events.at(0)),
            io.lakestream.testing.Events.event(
                "e2", "u2", "click", io.lakestream.testing.Events.at(1))));
    org.apache.hadoop.io.compress.BZip2Codec bzip2 = new org.apache.hadoop.io.compress.BZip2Codec();
    bzip2.setConf(new org.apache.hadoop.conf.Configuration());
    compressed(
        landing.resolve("b.json.bz2"),
        bzip2.createOutputStream(
            java.nio.file.Files.newOutputStream(landing.resolve("b.json.bz2"))),
        List.of(
            io.lakestream.testing.Events.event(
                "e3", "u3", "view", io.lakestream.testing.Events.at(2))));
    compressed(
        landing.resolve("d.json.zst"),
        new com.github.luben.zstd.ZstdOutputStream(
            java.nio.file.Files.newOutputStream(landing.resolve("d.json.zst"))),
        List.of(
            io.lakestream.testing.Events.event(
                "e4", "u4", "view", io.lakestream.testing.Events.at(2))));
    List<String> many = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      many.add(
          io.lakestream.testing.Events.event(
              "d" + i, "u" + i, "view", io.lakestream.testing.Events.at(3)));
    }
    Path whole = root.resolve("whole.json.gz");
    compressed(
        whole,
        new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(whole)),
        many);
    byte[] bytes = java.nio.file.Files.readAllBytes(whole);
    java.nio.file.Files.write(
        landing.resolve("c.json.gz"), java.util.Arrays.copyOf(bytes, bytes.length / 2));

    RunSummary summary = new Pipeline(spark, config).run().summary();

    // The damaged file is one quarantined record; the batch's other files are written whole.
    assertThat(
            table(config, BronzeTable.NAME)
                .orderBy("event_id")
                .select(
                    col("event_id"),
                    element_at(split(col(BronzeTable.SOURCE_FILE), "/"), -1),
                    col(BronzeTable.QUARANTINE_REASON))
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly(
            "[null,c.json.gz,unreadable_file]",
            "[e1,a.json.gz,null]",
            "[e2,a.json.gz,null]",
            "[e3,b.json.bz2,null]",
            "[e4,d.json.zst,null]");
    List<Row> quarantined = table(config, Tables.QUARANTINE_EVENTS).collectAsList();
    assertThat(quarantined).hasSize(1);
    assertThat(quarantined.get(0).<String>getAs("reason")).isEqualTo("unreadable_file");
    assertThat(quarantined.get(0).<String>getAs("source_file")).endsWith("/landing/c.json.gz");
    assertThat(quarantined.get(0).<String>getAs("detail"))
        .startsWith(".gz cannot be decoded: ")
        .contains("Unexpected end of input stream");
    // Every file, the damaged one too, is archived as it came.
    assertThat(summary.archiving().archivedThisRun()).isEqualTo(4);
    assertThat(
            table(config, Tables.ARCHIVE_LOG)
                .orderBy("source")
                .select(element_at(split(col("source"), "/"), -1), col("action"))
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly(
            "[a.json.gz,moved]", "[b.json.bz2,moved]", "[c.json.gz,moved]", "[d.json.zst,moved]");
    try (var left = java.nio.file.Files.list(landing)) {
      assertThat(left).isEmpty();
    }
    assertThat(root.resolve("archive/a.json.gz")).exists();
    assertThat(root.resolve("archive/b.json.bz2")).exists();
    assertThat(java.nio.file.Files.size(root.resolve("archive/c.json.gz")))
        .isEqualTo(bytes.length / 2);
    Row audit = table(config, Tables.AUDIT_BATCHES).first();
    assertThat(audit.<Long>getAs("rows_quarantined")).isEqualTo(1);
    assertThat(audit.<Long>getAs("files_archived")).isEqualTo(4);
  }

  /**
   * A batch of a hundred small files is read in several tasks (Spark packs files by a 4 MB open
   * cost) but written as one file per core of the local[2] session: one Parquet file per task would
   * set Delta's auto compaction rewriting bronze every other batch of a long run.
   */
  @Test
  void aBatchOfManySmallFilesIsWrittenAsOneFilePerCore() throws Exception {
    LakestreamConfig config = TestConfigs.local(root, Map.of("pipeline.stop_after", "bronze"));
    Path landing = root.resolve("landing");
    for (int i = 0; i < 100; i++) {
      io.lakestream.testing.Events.land(
          landing,
          String.format("f-%03d.json", i),
          List.of(
              io.lakestream.testing.Events.event(
                  "e" + i, "u" + i, "view", io.lakestream.testing.Events.at(i))));
    }

    new Pipeline(spark, config).run();

    assertThat(bronze(config).count()).isEqualTo(100);
    Row detail =
        spark.sql("DESCRIBE DETAIL " + config.catalog().tableIdentifier(BronzeTable.NAME)).first();
    assertThat(detail.<Long>getAs("numFiles")).isEqualTo(2);
  }

  /**
   * A batch of only empty files (no line at all) counts zero of everything: Spark's sum over no
   * rows is null, and a count made of it failed the batch at every start.
   */
  @Test
  void aBatchOfOnlyEmptyFilesIsCommittedAndArchived() throws Exception {
    LakestreamConfig config =
        TestConfigs.local(
            root, Map.of("pipeline.stop_after", "bronze", "ingest.max_files_per_trigger", "1"));
    Path landing = java.nio.file.Files.createDirectories(root.resolve("landing"));
    java.nio.file.Files.writeString(landing.resolve("empty.json"), "");
    io.lakestream.testing.Events.land(
        landing,
        "later.json",
        List.of(
            io.lakestream.testing.Events.event(
                "e1", "u1", "click", io.lakestream.testing.Events.at(0))));
    java.nio.file.Files.setLastModifiedTime(
        landing.resolve("empty.json"), java.nio.file.attribute.FileTime.fromMillis(1_000));

    RunSummary summary = new Pipeline(spark, config).run().summary();

    assertThat(
            table(config, BronzeTable.NAME)
                .select("event_id")
                .as(Encoders.STRING())
                .collectAsList())
        .containsExactly("e1");
    assertThat(summary.archiving().archivedThisRun()).isEqualTo(2);
    assertThat(
            table(config, Tables.AUDIT_BATCHES)
                .orderBy("batch_id")
                .select("batch_id", "rows_in", "rows_quarantined", "files_archived")
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly("[0,0,0,1]", "[1,1,0,1]");
  }

  private static void compressed(Path file, java.io.OutputStream out, List<String> lines)
      throws java.io.IOException {
    try (out) {
      out.write(
          (String.join("\n", lines) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void restartIngestsOnlyNewFilesAndAnIdleRunAddsNothing() throws Exception {
    // One file per micro-batch, so batch ids are predictable.
    LakestreamConfig config =
        TestConfigs.local(
            root, Map.of("ingest.max_files_per_trigger", "1", "pipeline.stop_after", "bronze"));
    Path landing = root.resolve("landing");
    SampleData.land(landing, "events-00001.json", "events-00002.json");

    new Pipeline(spark, config).run();
    assertThat(bronze(config).count()).isEqualTo(150);

    SampleData.land(landing, "events-00003.json", "events-00004.json");
    RunSummary second = new Pipeline(spark, config).run().summary();

    Dataset<Row> bronze = bronze(config);
    assertThat(bronze.count()).isEqualTo(300);
    assertThat(second.thisRun("bronze_events")).isEqualTo(150);
    assertThat(second.filesThisRun()).isEqualTo(2);
    assertThat(
            bronze
                .groupBy(fileName(), col("_batch_id"))
                .count()
                .orderBy("_batch_id")
                .collectAsList())
        .extracting(r -> r.getString(0) + "@" + r.getLong(1) + "=" + r.getLong(2))
        .containsExactly(
            "events-00001.json@0=75",
            "events-00002.json@1=75",
            "events-00003.json@2=75",
            "events-00004.json@3=75");
    long version = tableVersion(config);

    RunSummary idle = new Pipeline(spark, config).run().summary();

    assertThat(bronze(config).count()).isEqualTo(300);
    assertThat(idle.thisRun("bronze_events")).isZero();
    assertThat(tableVersion(config)).isEqualTo(version);
  }

  @Test
  void aReplayedBatchIsSkippedByDelta() {
    LakestreamConfig config = TestConfigs.local(root);
    new Pipeline(spark, config).setUp();
    String table = config.catalog().tableIdentifier(BronzeTable.NAME);
    BronzeBatchWriter writer =
        new BronzeBatchWriter(
            "bronze_events",
            config.quality(),
            config.ingest().eventSchema(),
            table,
            new TableOutbox(
                root.resolve("quarantine-outbox").toString(),
                config.catalog().tableIdentifier("quarantine_events"),
                Tables.quarantine().schema(),
                Tables.QUARANTINE_KEY,
                root.resolve("quarantine-flush.json").toString()),
            io.lakestream.table.TxnIdentity.withUnknownHistory("test-app-id"),
            HaltAt.OFF,
            NewFields.of(io.lakestream.config.SchemaEvolution.RESCUE),
            query -> {
              throw new AssertionError("the contract did not grow: nothing to stop");
            },
            2);
    Dataset<Row> batch =
        spark.sql(
            "SELECT 'e1' AS event_id, 'u1' AS user_id, 'click' AS event_type,"
                + " TIMESTAMP'2026-11-01 09:00:00' AS event_time, '/home' AS page, 'mobile' AS device,"
                + " CAST(NULL AS DOUBLE) AS amount, CAST(NULL AS STRING) AS _rescued_data,"
                + " CAST(NULL AS STRING) AS _quarantine_reason, CAST(NULL AS STRING) AS _quarantine_detail,"
                + " '{}' AS _raw_record, 'f.json' AS _source_file");

    writer.write(batch, 7L);
    writer.write(batch, 7L);
    writer.write(batch, 8L);

    assertThat(bronze(config).select("_batch_id").as(Encoders.LONG()).collectAsList())
        .containsExactlyInAnyOrder(7L, 8L);
    Timestamp eventTime = bronze(config).select("event_time").first().getTimestamp(0);
    assertThat(eventTime.toInstant()).isEqualTo(Instant.parse("2026-11-01T09:00:00Z"));
  }

  private static Column fileName() {
    return element_at(split(col("_source_file"), "/"), -1).as("file");
  }

  private long tableVersion(LakestreamConfig config) {
    return spark
        .sql("DESCRIBE HISTORY " + config.catalog().tableIdentifier(BronzeTable.NAME) + " LIMIT 1")
        .select("version")
        .first()
        .getLong(0);
  }
}

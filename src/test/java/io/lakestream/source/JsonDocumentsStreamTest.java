package io.lakestream.source;

import static io.lakestream.testing.Events.at;
import static io.lakestream.testing.Events.event;
import static io.lakestream.testing.TestTables.table;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.split;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.app.Pipeline;
import io.lakestream.app.RunSummary;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.table.BronzeTable;
import io.lakestream.table.Tables;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest.format=json}: files of JSON documents (arrays, pretty-printed objects, objects one
 * after another), plain and gzipped, read through the real bronze query, every record typed,
 * rescued or quarantined with its own text, and every file archived.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JsonDocumentsStreamTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  @Test
  void everyRecordOfEveryDocumentShapeIsTypedOrQuarantinedAloneAndEveryFileArchived()
      throws Exception {
    LakestreamConfig config =
        TestConfigs.local(
            root,
            Map.of(
                "pipeline.stop_after", "bronze",
                "ingest.format", "json",
                "ingest.max_record_size", "2k"));
    Path landing = Files.createDirectories(root.resolve("landing"));
    String e1 =
        "{\n    \"event_id\": \"e1\",\n    \"user_id\": \"u1\",\n    \"event_type\": \"click\",\n"
            + "    \"event_time\": \"2026-11-01T10:00:00Z\",\n    \"ctx\": {\"k\": [1, 2]}\n  }";
    write(
        landing.resolve("a.json"),
        "[\n  " + e1 + ",\n  " + event("e2", "u2", "view", at(1)) + "\n]\n");
    String e4 = event("e4", "u4", "view", at(3)).replace(",", ",\n  ");
    write(
        landing.resolve("b.json"),
        event("e3", "u3", "view", at(2)) + "\n" + e4 + event("e5", "u5", "view", at(4)));
    write(landing.resolve("c.json"), "[" + event("e6", "u6", "view", at(5)) + ", 42]");
    write(landing.resolve("d.json"), "[ ]");
    String e8 = event("e8", "u8", "view", at(7));
    write(
        landing.resolve("e.json"),
        "[" + event("e7", "u7", "view", at(6)) + ",\n" + e8.substring(0, 30));
    gzip(
        landing.resolve("f.json.gz"),
        "[" + event("e9", "u9", "view", at(8)) + "," + event("e10", "u10", "view", at(9)) + "]");
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      many.add(event("d" + i, "u" + i, "view", at(10)));
    }
    Path whole = root.resolve("whole.json.gz");
    gzip(whole, "[" + String.join(",\n", many) + "]");
    byte[] bytes = Files.readAllBytes(whole);
    Files.write(landing.resolve("g.json.gz"), Arrays.copyOf(bytes, bytes.length / 2));
    String big = "{\"event_id\":\"big\",\"user_id\":\"u\",\"pad\":\"" + "x".repeat(5000) + "\"}";
    write(
        landing.resolve("h.json"),
        "["
            + event("e11", "u11", "view", at(11))
            + ", "
            + big
            + ", "
            + event("e12", "u12", "view", at(12))
            + "]");

    RunSummary summary = new Pipeline(spark, config).run().summary();

    List<Row> bronze =
        table(config, BronzeTable.NAME)
            .select(
                col("event_id"),
                element_at(split(col(BronzeTable.SOURCE_FILE), "/"), -1).as("file"),
                col(BronzeTable.QUARANTINE_REASON),
                col(BronzeTable.RAW_RECORD),
                col(BronzeTable.RESCUED_DATA),
                col(BronzeTable.QUARANTINE_DETAIL))
            .collectAsList();
    List<String> named =
        bronze.stream()
            .filter(row -> row.isNullAt(0) || !row.getString(0).startsWith("d"))
            .map(row -> row.get(0) + " " + row.get(1) + " " + row.get(2))
            .sorted()
            .toList();
    assertThat(named)
        .containsExactly(
            "e1 a.json null",
            "e10 f.json.gz null",
            "e11 h.json null",
            "e12 h.json null",
            "e2 a.json null",
            "e3 b.json null",
            "e4 b.json null",
            "e5 b.json null",
            "e6 c.json null",
            "e7 e.json null",
            "e9 f.json.gz null",
            "null c.json malformed_json",
            "null e.json malformed_json",
            "null g.json.gz unreadable_file",
            "null h.json record_too_large");
    // Each record keeps its own text, as it stands in the file.
    assertThat(raw(bronze, "e1")).isEqualTo(e1);
    assertThat(raw(bronze, "e4")).isEqualTo(e4);
    assertThat(rowOf(bronze, "e1").getString(4)).isEqualTo("{\"ctx\":{\"k\": [1, 2]}}");
    assertThat(quarantined(bronze, "c.json").getString(3)).isEqualTo("42");
    assertThat(quarantined(bronze, "e.json").getString(3)).isEqualTo(e8.substring(0, 30));
    assertThat(quarantined(bronze, "e.json").getString(5))
        .startsWith("not JSON from here on: ")
        .contains("line 2");
    assertThat(quarantined(bronze, "h.json").getString(3)).isEqualTo(big.substring(0, 1024));
    assertThat(quarantined(bronze, "h.json").getString(5))
        .startsWith("record of " + big.length() + " characters exceeds the limit of 2048 bytes");
    assertThat(quarantined(bronze, "g.json.gz").getString(5))
        .startsWith(".gz cannot be decoded: ")
        .endsWith("; the records before were read");
    // The damaged gzip keeps the records decoded before the damage: d0, d1, ... in order, none lost
    // in between.
    List<String> decoded =
        bronze.stream()
            .filter(row -> !row.isNullAt(0) && row.getString(0).startsWith("d"))
            .map(row -> row.getString(0))
            .sorted(java.util.Comparator.comparingInt(id -> Integer.parseInt(id.substring(1))))
            .toList();
    assertThat(decoded).isNotEmpty().hasSizeLessThan(2000);
    for (int i = 0; i < decoded.size(); i++) {
      assertThat(decoded.get(i)).isEqualTo("d" + i);
    }
    assertThat(
            table(config, Tables.QUARANTINE_EVENTS)
                .select("reason")
                .orderBy("reason")
                .collectAsList())
        .extracting(row -> row.getString(0))
        .containsExactly("malformed_json", "malformed_json", "record_too_large", "unreadable_file");
    // Every file, the empty and the damaged ones too, is archived as it came.
    assertThat(summary.archiving().archivedThisRun()).isEqualTo(8);
    try (var left = Files.list(landing)) {
      assertThat(left).isEmpty();
    }
    assertThat(Files.size(root.resolve("archive/g.json.gz"))).isEqualTo(bytes.length / 2);
  }

  /**
   * An inferred contract learns the fields of every record in the sampled files, not only of each
   * file's first value (Spark's multiLine reader alone would miss them).
   */
  @Test
  void anInferredContractLearnsFieldsFromEveryRecordOfAFile() throws Exception {
    LakestreamConfig config =
        TestConfigs.local(
            root,
            Map.of(
                "pipeline.stop_after", "bronze",
                "ingest.format", "json",
                "ingest.schema", "infer"));
    Path landing = Files.createDirectories(root.resolve("landing"));
    write(
        landing.resolve("a.json"),
        event("e1", "u1", "view", at(0))
            + "\n"
            + event("e2", "u2", "view", at(1)).replace("}", ",\"os\":\"ios\"}"));
    write(
        landing.resolve("b.json"),
        "["
            + event("e3", "u3", "view", at(2))
            + ",\n"
            + event("e4", "u4", "view", at(3)).replace("}", ",\"score\":7}")
            + "]");

    new Pipeline(spark, config).run();

    List<Row> rows =
        table(config, BronzeTable.NAME)
            .select("event_id", "os", "score", BronzeTable.RESCUED_DATA)
            .orderBy("event_id")
            .collectAsList();
    assertThat(rows)
        .extracting(Row::toString)
        .containsExactly(
            "[e1,null,null,null]", "[e2,ios,null,null]", "[e3,null,null,null]", "[e4,null,7,null]");
  }

  private static String raw(List<Row> bronze, String eventId) {
    return rowOf(bronze, eventId).getString(3);
  }

  private static Row rowOf(List<Row> bronze, String eventId) {
    return bronze.stream()
        .filter(row -> eventId.equals(row.getString(0)))
        .findFirst()
        .orElseThrow();
  }

  private static Row quarantined(List<Row> bronze, String file) {
    return bronze.stream()
        .filter(row -> row.isNullAt(0) && file.equals(row.getString(1)))
        .findFirst()
        .orElseThrow();
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static void gzip(Path file, String text) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}

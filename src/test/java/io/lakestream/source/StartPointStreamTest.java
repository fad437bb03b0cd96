package io.lakestream.source;

import static io.lakestream.testing.Events.at;
import static io.lakestream.testing.Events.event;
import static io.lakestream.testing.TestTables.table;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.app.Pipeline;
import io.lakestream.app.RunSummary;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.table.BronzeTable;
import io.lakestream.table.Tables;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest.start=new} through the real bronze query: files already in landing at the
 * checkpoint's first start are never opened, never archived, not counted as waiting, and counted in
 * every run's summary; later arrivals are ingested; a restart with {@code ingest.start=all} keeps
 * the start point.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StartPointStreamTest {

  private static final long HOUR_AGO = System.currentTimeMillis() - 3_600_000;

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  @Test
  void filesAlreadyInLandingAtTheFirstStartAreNeverReadAndLaterOnesAre() throws Exception {
    Path landing = Files.createDirectories(root.resolve("landing"));
    write(landing.resolve("old-1.json"), HOUR_AGO, event("o1", "u1", "view", at(0)));
    // A damaged gzip: opening it would quarantine it as unreadable_file, so no such row proves the
    // file was pruned before any read.
    Files.write(landing.resolve("old-2.json.gz"), new byte[] {31, -117, 8, 0, 1, 2});
    Files.setLastModifiedTime(landing.resolve("old-2.json.gz"), FileTime.fromMillis(HOUR_AGO + 1));
    LakestreamConfig startNew =
        TestConfigs.local(root, Map.of("pipeline.stop_after", "bronze", "ingest.start", "new"));

    RunSummary first = new Pipeline(spark, startNew).run().summary();

    assertThat(table(startNew, BronzeTable.NAME).count()).isZero();
    assertThat(first.filesBeforeStartPoint()).isEqualTo(2);
    assertThat(first.render()).contains("ingest.start=new leaves unread: 2");
    assertThat(landing.resolve("old-1.json")).exists();
    assertThat(landing.resolve("old-2.json.gz")).exists();

    // Later arrivals are read, and a restart with ingest.start=all keeps the start point.
    write(
        landing.resolve("new-1.json"),
        System.currentTimeMillis(),
        event("n1", "u1", "view", at(1)) + "\n" + event("n2", "u2", "view", at(2)));
    // Moved in keeping an older time than the start point: counted as existing, as documented.
    write(landing.resolve("moved.json"), HOUR_AGO, event("m1", "u1", "view", at(3)));
    LakestreamConfig startAll = TestConfigs.local(root, Map.of("pipeline.stop_after", "bronze"));

    RunSummary second = new Pipeline(spark, startAll).run().summary();

    assertThat(
            table(startAll, BronzeTable.NAME)
                .select("event_id")
                .orderBy("event_id")
                .as(Encoders.STRING())
                .collectAsList())
        .containsExactly("n1", "n2");
    assertThat(second.filesBeforeStartPoint()).isEqualTo(3);
    assertThat(second.archiving().archivedThisRun()).isEqualTo(1);
    try (var left = Files.list(landing)) {
      assertThat(left.map(file -> file.getFileName().toString()).sorted())
          .containsExactly("moved.json", "old-1.json", "old-2.json.gz");
    }
    assertThat(
            table(startAll, Tables.ARCHIVE_LOG)
                .select("source")
                .as(Encoders.STRING())
                .collectAsList())
        .singleElement()
        .asString()
        .endsWith("/landing/new-1.json");
    // The files left unread are not waiting: the backlog after each batch (the first run's, which
    // logged the old files and read none, and the second's) is empty.
    List<Long> outstanding =
        table(startAll, "pipeline_progress")
            .where(col("query").equalTo("bronze_events"))
            .select("files_outstanding")
            .as(Encoders.LONG())
            .collectAsList();
    assertThat(outstanding).containsExactly(0L, 0L);
  }

  private static void write(Path file, long modifiedMillis, String lines) throws Exception {
    Files.writeString(file, lines + "\n", StandardCharsets.UTF_8);
    Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedMillis));
  }
}

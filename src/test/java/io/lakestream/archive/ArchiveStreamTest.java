package io.lakestream.archive;

import static io.lakestream.testing.TestTables.table;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.app.Pipeline;
import io.lakestream.app.RunSummary;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.testing.Events;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archiving in-process: where files go, what archive_log and audit_batches say, failed moves,
 * reappearances.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ArchiveStreamTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  private LakestreamConfig withAnHourOfFileAge() {
    return TestConfigs.local(
        root,
        Map.of(
            "pipeline.stop_after", "bronze", "archive.mode", "move", "ingest.max_file_age", "1h"));
  }

  private LakestreamConfig config(String mode) {
    return TestConfigs.local(root, Map.of("pipeline.stop_after", "bronze", "archive.mode", mode));
  }

  /**
   * ingest.path_glob: only matching names are read (in sub-folders too), inferred from and
   * archived; the rest stay in landing and are counted by every run's summary.
   */
  @Test
  void aPathGlobReadsOnlyMatchingFilesAndCountsTheOthersInTheSummary() throws Exception {
    LakestreamConfig config =
        TestConfigs.local(
            root,
            Map.of(
                "pipeline.stop_after", "bronze",
                "ingest.schema", "infer",
                "ingest.path_glob", "*.json"));
    Path landing = root.resolve("landing");
    Events.land(landing, "a.json", List.of(Events.event("e1", "u1", "click", Events.at(0))));
    Events.land(
        landing.resolve("2026"),
        "b.json",
        List.of(Events.event("e2", "u1", "click", Events.at(1))));
    String unmatched = Events.event("e3", "u1", "click", Events.at(2));
    Events.land(
        landing,
        "notes.txt",
        List.of(unmatched.substring(0, unmatched.length() - 1) + ",\"secret_field\":1}"));
    Events.land(landing, "a.json.tmp", List.of(Events.event("e4", "u1", "click", Events.at(3))));

    RunSummary first = new Pipeline(spark, config).run().summary();
    RunSummary second = new Pipeline(spark, config).run().summary();

    assertThat(
            table(config, "bronze_events")
                .orderBy("event_id")
                .select("event_id")
                .as(Encoders.STRING())
                .collectAsList())
        .containsExactly("e1", "e2");
    assertThat(table(config, "bronze_events").columns()).doesNotContain("secret_field");
    assertThat(filesUnder(landing)).containsExactlyInAnyOrder("notes.txt", "a.json.tmp");
    assertThat(filesUnder(root.resolve("archive")))
        .containsExactlyInAnyOrder("a.json", "2026/b.json");
    // The files the glob leaves are not waiting to be read: bronze's one batch leaves none.
    assertThat(
            table(config, "pipeline_progress")
                .where("query = 'bronze_events'")
                .selectExpr("files_outstanding", "bytes_outstanding")
                .collectAsList())
        .extracting(Object::toString)
        .containsExactly("[0,0]");
    assertThat(first.filesNotMatchingGlob()).isEqualTo(2);
    assertThat(second.filesNotMatchingGlob()).isEqualTo(2);
    assertThat(first.render())
        .contains("files in landing that ingest.path_glob leaves unread: 2")
        .contains("  files processed                   2          2");
  }

  /**
   * ingest.partition_columns: Hive-style folders become columns of bronze and silver, typed as the
   * contract declares them (date) or STRING (hour), escaped values decoded; a file outside the
   * layout keeps its record's own field, or null. Archive paths keep the folders.
   */
  @Test
  void partitionFoldersBecomeColumnsTypedByTheContract() throws Exception {
    LakestreamConfig config =
        TestConfigs.local(
            root,
            Map.of(
                "pipeline.stop_after", "silver",
                "ingest.schema",
                    io.lakestream.config.ConfigKeys.SAMPLE_EVENT_SCHEMA + ", date DATE",
                "ingest.partition_columns", "date, hour"));
    Path landing = root.resolve("landing");
    Events.land(
        landing.resolve("date=2026-12-05/hour=07"),
        "a.json",
        List.of(Events.event("e1", "u1", "click", Events.at(0))));
    String withHour = Events.event("e2", "u1", "click", Events.at(1));
    Events.land(
        landing,
        "flat.json",
        List.of(withHour.substring(0, withHour.length() - 1) + ",\"hour\":\"99\"}"));
    Events.land(
        landing.resolve("date=2026-12-06/hour=10%3A30 +1"),
        "b.json",
        List.of(Events.event("e3", "u1", "click", Events.at(2))));
    Events.land(
        landing.resolve("date=__HIVE_DEFAULT_PARTITION__"),
        "c.json",
        List.of(Events.event("e4", "u1", "click", Events.at(3))));

    RunSummary summary = new Pipeline(spark, config).run().summary();

    // flat.json has no folders, c.json no hour folder.
    assertThat(summary.filesOutsidePartitionLayout()).isEqualTo(2);
    assertThat(summary.render())
        .contains("files read this run outside ingest.partition_columns' folders")
        .contains("or null): 2");
    List<String> expected =
        List.of("[e1,2026-12-05,07]", "[e2,null,99]", "[e3,2026-12-06,10:30 +1]", "[e4,null,null]");
    for (String layer : List.of("bronze_events", "silver_events")) {
      assertThat(
              table(config, layer)
                  .orderBy("event_id")
                  .selectExpr("event_id", "date", "hour")
                  .collectAsList())
          .as(layer)
          .extracting(Row::toString)
          .containsExactlyElementsOf(expected);
    }
    assertThat(table(config, "bronze_events").schema().apply("date").dataType().sql())
        .isEqualTo("DATE");
    assertThat(table(config, "bronze_events").schema().apply("hour").dataType().sql())
        .isEqualTo("STRING");
    assertThat(filesUnder(root.resolve("archive")))
        .containsExactlyInAnyOrder(
            "date=2026-12-05/hour=07/a.json",
            "flat.json",
            "date=2026-12-06/hour=10%3A30 +1/b.json",
            "date=__HIVE_DEFAULT_PARTITION__/c.json");
  }

  @Test
  void movesEveryCommittedFileKeepingSubFoldersAndRecordsIt() throws Exception {
    LakestreamConfig config = config("move");
    Path landing = root.resolve("landing");
    Events.land(landing, "top.json", List.of(Events.event("e1", "u1", "click", Events.at(0))));
    Events.land(
        landing.resolve("2026/11"),
        "with space 100%.json",
        List.of(Events.event("e2", "u1", "click", Events.at(1))));
    Events.land(landing, "empty.json", List.of()); // no rows, still part of the batch
    Path collision = Files.createDirectories(root.resolve("archive")).resolve("top.json");
    Files.writeString(collision, "an older file of the same name");

    new Pipeline(spark, config).run();

    assertThat(filesUnder(landing)).isEmpty();
    assertThat(filesUnder(root.resolve("archive")))
        .containsExactlyInAnyOrder(
            "top.json", "top~1.json", "2026/11/with space 100%.json", "empty.json");
    assertThat(Files.readString(collision)).isEqualTo("an older file of the same name");
    List<Row> log = table(config, "archive_log").orderBy("source").collectAsList();
    assertThat(log).hasSize(3);
    assertThat(log).allSatisfy(row -> assertThat(row.<String>getAs("action")).isEqualTo("moved"));
    assertThat(log.get(0).<String>getAs("source"))
        .endsWith("/landing/2026/11/with%20space%20100%25.json");
    assertThat(log.get(0).<String>getAs("destination"))
        .endsWith("/archive/2026/11/with%20space%20100%25.json");
    assertThat(log.get(2).<String>getAs("destination")).endsWith("/archive/top~1.json");
    assertThat(log.get(2).<Long>getAs("size_bytes"))
        .isEqualTo(Files.size(root.resolve("archive/top~1.json")));
    // archive_log.source is the form bronze_events._source_file uses, so the two join.
    List<String> bronzeSources =
        table(config, "bronze_events")
            .select("_source_file")
            .distinct()
            .as(Encoders.STRING())
            .collectAsList();
    assertThat(table(config, "archive_log").select("source").as(Encoders.STRING()).collectAsList())
        .containsAll(bronzeSources);
    Row audit = table(config, "audit_batches").first();
    assertThat(audit.<Long>getAs("files_archived")).isEqualTo(3L);
    assertThat(audit.<Long>getAs("archive_failures")).isZero();
  }

  @Test
  void aFailedMoveIsReportedAndRetriedWithTheNextBatch() throws Exception {
    LakestreamConfig config = config("move");
    Path landing = root.resolve("landing");
    Events.land(
        landing.resolve("sub"), "a.json", List.of(Events.event("e1", "u1", "click", Events.at(0))));
    Path blocker = Files.createDirectories(root.resolve("archive")).resolve("sub");
    Files.writeString(blocker, "a file where the archive needs a folder");

    new Pipeline(spark, config).run();

    assertThat(filesUnder(landing)).containsExactly("sub/a.json");
    assertThat(table(config, "archive_log").count()).isZero();
    assertThat(table(config, "audit_batches").first().<Long>getAs("archive_failures"))
        .isEqualTo(1L);

    Files.delete(blocker);
    Events.land(landing, "b.json", List.of(Events.event("e2", "u1", "click", Events.at(1))));
    new Pipeline(spark, config).run();

    assertThat(filesUnder(landing)).isEmpty();
    assertThat(filesUnder(root.resolve("archive")))
        .containsExactlyInAnyOrder("sub/a.json", "b.json");
    assertThat(table(config, "archive_log").select("batch_id").as(Encoders.LONG()).collectAsList())
        .containsExactlyInAnyOrder(0L, 1L);
    Row second = table(config, "audit_batches").where("batch_id = 1").first();
    assertThat(second.<Long>getAs("files_archived")).isEqualTo(2L);
    assertThat(second.<Long>getAs("archive_failures")).isZero();
    assertThat(table(config, "bronze_events").count()).isEqualTo(2);
  }

  @Test
  void aFileBackUnderAnIngestedNameIsReportedNotSilentlySkipped() throws Exception {
    LakestreamConfig config = config("move");
    Path landing = root.resolve("landing");
    Events.land(landing, "a.json", List.of(Events.event("e1", "u1", "click", Events.at(0))));
    new Pipeline(spark, config).run();

    Files.copy(root.resolve("archive/a.json"), landing.resolve("a.json"));
    Files.setLastModifiedTime(
        landing.resolve("a.json"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    Events.land(landing, "b.json", List.of(Events.event("e2", "u1", "click", Events.at(1))));
    new Pipeline(spark, config).run();

    assertThat(table(config, "bronze_events").count()).isEqualTo(2);
    assertThat(filesUnder(landing)).containsExactly("a.json");
    assertThat(
            table(config, "audit_batches")
                .where("batch_id = 1")
                .first()
                .<Long>getAs("files_reappeared"))
        .isEqualTo(1L);
  }

  @Test
  void aFileBackWhenNothingElseArrivesIsReportedAtStartUp() throws Exception {
    LakestreamConfig config = config("move");
    Path landing = root.resolve("landing");
    Events.land(landing, "a.json", List.of(Events.event("e1", "u1", "click", Events.at(0))));
    new Pipeline(spark, config).run();
    Events.land(
        landing,
        "a.json",
        List.of(
            Events.event("e1", "u1", "click", Events.at(0)),
            Events.event("e9", "u1", "click", Events.at(2))));

    RunSummary summary = new Pipeline(spark, config).run().summary();

    assertThat(summary.archiving().reappearedThisRun()).isEqualTo(1);
    assertThat(summary.render())
        .contains("files back in the landing folder under an already ingested name");
    assertThat(table(config, "bronze_events").count())
        .isEqualTo(1); // not read again without allow_overwrites
    assertThat(filesUnder(landing)).containsExactly("a.json");
  }

  /**
   * Spark's file source never reads a file modified more than maxFileAge before the newest file it
   * read (checked on Spark 4.1.3: such a file is skipped without a word); lakestream gives it the
   * current time, so it is read.
   */
  @Test
  void aNewFileModifiedBeforeTheFileAgeWindowIsStillRead() throws Exception {
    LakestreamConfig config = withAnHourOfFileAge();
    Path landing = root.resolve("landing");
    long now = System.currentTimeMillis();
    Path first =
        Events.land(landing, "a.json", List.of(Events.event("e1", "u1", "click", Events.at(0))));
    Files.setLastModifiedTime(first, FileTime.fromMillis(now));
    new Pipeline(spark, config).run();
    Path old =
        Events.land(landing, "old.json", List.of(Events.event("e2", "u1", "click", Events.at(1))));
    Files.setLastModifiedTime(old, FileTime.fromMillis(now - 3 * 3_600_000L));

    new Pipeline(spark, config).run();

    assertThat(
            table(config, "bronze_events").select("event_id").as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("e1", "e2");
    assertThat(filesUnder(landing)).isEmpty();
    assertThat(filesUnder(root.resolve("archive"))).containsExactlyInAnyOrder("a.json", "old.json");
    assertThat(
            table(config, "archive_log")
                .where("source LIKE '%/a.json'")
                .first()
                .<java.sql.Timestamp>getAs("modified_at")
                .getTime())
        .isEqualTo(Files.getLastModifiedTime(root.resolve("archive/a.json")).toMillis());
  }

  /**
   * A name older than the window is forgotten by Spark's file source, which reads a file back under
   * it again: lakestream forgets it too, so it is not reported as skipped.
   */
  @Test
  void aNameOlderThanTheFileAgeWindowIsReadAgainAndNotReportedAsSkipped() throws Exception {
    LakestreamConfig config = withAnHourOfFileAge();
    Path landing = root.resolve("landing");
    long now = System.currentTimeMillis();
    Path a =
        Events.land(landing, "a.json", List.of(Events.event("e1", "u1", "click", Events.at(0))));
    Files.setLastModifiedTime(a, FileTime.fromMillis(now - 2 * 3_600_000L));
    new Pipeline(spark, config).run();
    Path b =
        Events.land(landing, "b.json", List.of(Events.event("e2", "u1", "click", Events.at(1))));
    Files.setLastModifiedTime(b, FileTime.fromMillis(now));
    new Pipeline(spark, config).run();
    Files.copy(root.resolve("archive/a.json"), landing.resolve("a.json"));
    Files.setLastModifiedTime(landing.resolve("a.json"), FileTime.fromMillis(now + 1_000));

    RunSummary summary = new Pipeline(spark, config).run().summary();

    assertThat(summary.archiving().reappearedThisRun()).isZero();
    assertThat(
            table(config, "bronze_events").select("event_id").as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("e1", "e2", "e1");
    assertThat(filesUnder(landing)).isEmpty();
    assertThat(
            table(config, "audit_batches")
                .where("batch_id = 2")
                .first()
                .<Long>getAs("files_reappeared"))
        .isZero();
  }

  @Test
  void withAllowOverwritesAChangedFileIsIngestedAgainWholeAndAnUnchangedOneIsNot()
      throws Exception {
    LakestreamConfig config =
        TestConfigs.local(
            root, Map.of("pipeline.stop_after", "bronze", "ingest.allow_overwrites", "true"));
    Path landing = root.resolve("landing");
    Events.land(landing, "a.json", List.of(Events.event("e1", "u1", "click", Events.at(0))));
    Path original =
        Events.land(landing, "b.json", List.of(Events.event("e2", "u1", "click", Events.at(0))));
    // Older than its archiving, whatever Events.land's arrival clock (ahead of the wall clock
    // after many landed files) gave it.
    Files.setLastModifiedTime(
        original, FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofHours(1))));
    new Pipeline(spark, config).run();
    // a.json comes back with a line appended; b.json is copied back as it was (same size, old
    // time).
    Path appended =
        Events.land(
            landing,
            "a.json",
            List.of(
                Events.event("e1", "u1", "click", Events.at(0)),
                Events.event("e3", "u1", "click", Events.at(1))));
    long modified = Files.getLastModifiedTime(appended).toMillis();
    Files.copy(
        root.resolve("archive/b.json"),
        landing.resolve("b.json"),
        java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);

    RunSummary summary = new Pipeline(spark, config).run().summary();

    assertThat(summary.archiving().reappearedThisRun()).isEqualTo(2);
    assertThat(
            table(config, "bronze_events")
                .orderBy("_ingested_at", "event_id")
                .select("event_id")
                .as(Encoders.STRING())
                .collectAsList())
        .containsExactly("e1", "e2", "e1", "e3");
    assertThat(filesUnder(landing)).containsExactly("b.json");
    assertThat(filesUnder(root.resolve("archive")))
        .containsExactlyInAnyOrder("a.json", "b.json", "a~" + modified + ".json");
    assertThat(
            table(config, "bronze_events")
                .where("event_id = 'e3'")
                .first()
                .<String>getAs("_source_file"))
        .endsWith("/landing/a~" + modified + ".json");
    assertThat(ReappearedFiles.renamed("events.json", 17)).isEqualTo("events~17.json");
    assertThat(ReappearedFiles.renamed("README", 17)).isEqualTo("README~17");
  }

  @Test
  void filesTheArchiverDidNotWriteInItsStateFolderAreIgnored() throws Exception {
    LakestreamConfig config = config("move");
    Path state =
        Files.createDirectories(
            Path.of(config.volume().checkpointFor("bronze_events")).resolve(Archiver.STATE_FOLDER));
    for (String stray :
        List.of(
            "notes.done",
            "0.done.bak",
            "99999999999999999999.done",
            "99999999999999999999.plan",
            "x.plan",
            ".7.plan.tmp~")) {
      Files.writeString(state.resolve(stray), "not written by lakestream");
    }
    Path landing = root.resolve("landing");
    Events.land(landing, "a.json", List.of(Events.event("e1", "u1", "click", Events.at(0))));
    new Pipeline(spark, config).run();
    Events.land(landing, "b.json", List.of(Events.event("e2", "u1", "click", Events.at(1))));
    new Pipeline(spark, config).run();

    assertThat(filesUnder(landing)).isEmpty();
    assertThat(filesUnder(root.resolve("archive"))).containsExactlyInAnyOrder("a.json", "b.json");
    assertThat(table(config, "bronze_events").count()).isEqualTo(2);
    assertThat(table(config, "archive_log").count()).isEqualTo(2);
    assertThat(state.resolve("notes.done")).exists(); // left alone, named in the log
  }

  @Test
  void deleteModeDeletesAndRecordsEachFile() throws Exception {
    LakestreamConfig config = config("delete");
    Path landing = root.resolve("landing");
    Events.land(landing, "a.json", List.of(Events.event("e1", "u1", "click", Events.at(0))));

    new Pipeline(spark, config).run();

    assertThat(filesUnder(landing)).isEmpty();
    assertThat(filesUnder(root.resolve("archive"))).isEmpty();
    Row log = table(config, "archive_log").first();
    assertThat(log.<String>getAs("action")).isEqualTo("deleted");
    assertThat(log.<String>getAs("destination")).isNull();
  }

  @Test
  void offLeavesFilesInPlace() throws Exception {
    LakestreamConfig config = config("off");
    Path landing = root.resolve("landing");
    Events.land(landing, "a.json", List.of(Events.event("e1", "u1", "click", Events.at(0))));

    new Pipeline(spark, config).run();

    assertThat(filesUnder(landing)).containsExactly("a.json");
    assertThat(table(config, "archive_log").count()).isZero();
    assertThat(table(config, "bronze_events").count()).isEqualTo(1);
  }

  /** Visible files below {@code folder}, as relative paths with '/'. */
  static List<String> filesUnder(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files
          .filter(Files::isRegularFile)
          .filter(file -> !file.getFileName().toString().startsWith("."))
          .map(file -> folder.relativize(file).toString().replace('\\', '/'))
          .toList();
    }
  }
}

package io.lakestream.archive;

import static io.lakestream.testing.TestTables.table;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.config.FaultPoint;
import io.lakestream.testing.ChildJvm;
import io.lakestream.testing.SampleData;
import io.lakestream.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app in a child JVM is halted dead (no shutdown hooks, like a power cut or kill -9) at the
 * worst points of a bronze batch, then started again. Afterwards every row is in bronze_events
 * exactly once, every file is archived exactly once, and archive_log records each move once.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CrashRecoveryIT {

  @TempDir Path dir;

  /**
   * One volume killed at each worst point of a bronze batch in turn: after the commit, before the
   * first move, between moves in a batch of four files and in a batch of two. Each kill falls on a
   * batch of files landed after the kill before it ({@code fault.halt_at=<point>@<batch>}), so
   * every run but the first also recovers the batch the run before left.
   */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aCrashAtAnyPointLosesAndDuplicatesNothing() throws Exception {
    Path root = dir.resolve("volume");
    Path landing = root.resolve("landing");
    Path archive = root.resolve("archive");
    Path plans = root.resolve("checkpoints/bronze_events/lakestream-archive");
    // {point, files per batch, files left in landing after the kill, files archived by then}
    String[][] kills = {
      {"after_commit", "4", "4", "0"},
      {"before_move", "4", "4", "4"},
      {"between_moves", "4", "3", "9"},
      {"between_moves", "2", "3", "13"}
    };
    for (int batch = 0; batch < kills.length; batch++) {
      String wave = "wave" + batch;
      SampleData.land(landing.resolve(wave), SampleData.ALL);
      String point = kills[batch][0];
      int filesPerBatch = Integer.parseInt(kills[batch][1]);

      ChildJvm.Result crashed =
          run(root, filesPerBatch, "--set", "fault.halt_at=" + point + "@" + batch);

      assertThat(crashed.exitCode())
          .as("halt at %s@%d:%n%s", point, batch, crashed.output())
          .isEqualTo(FaultPoint.HALT_STATUS);
      assertThat(ArchiveStreamTest.filesUnder(landing))
          .as("landing after the halt at %s@%d", point, batch)
          .hasSize(Integer.parseInt(kills[batch][2]))
          .allMatch(file -> file.startsWith(wave + "/"));
      assertThat(ArchiveStreamTest.filesUnder(archive))
          .as("archive after the halt at %s@%d", point, batch)
          .hasSize(Integer.parseInt(kills[batch][3]));
      assertThat(Files.exists(plans.resolve(batch + ".plan")))
          .isEqualTo(!point.equals("after_commit"));
    }

    ChildJvm.Result restarted = run(root, 2);

    assertThat(restarted.exitCode()).as(restarted.output()).isZero();
    List<String> landed = new ArrayList<>();
    for (int wave = 0; wave < kills.length; wave++) {
      for (String file : SampleData.ALL) {
        landed.add("wave" + wave + "/" + file);
      }
    }
    // Batches 0-2 of four files, then wave 3 in two batches of two.
    assertEveryRowAndFileOnce(root, landed, 5);
  }

  /**
   * ingest.source_log_max_size, killed around the moment bronze goes on with a new file-source log:
   * after a batch's rows are committed but not Spark's commit (the next start runs that batch alone
   * on the old log first), before the new log is named, and after it is named but before the old
   * one is deleted. Afterwards every row and file once, over batch ids 0 to 3.
   */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aCrashAroundANewSourceLogLosesAndDuplicatesNothing() throws Exception {
    Path root = dir.resolve("volume");
    Path landing = root.resolve("landing");
    String[] newLog = {"--set", "ingest.source_log_max_size=1"};
    SampleData.land(landing.resolve("wave0"), SampleData.ALL);
    assertThat(run(root, 2, concat(newLog, "--set", "fault.halt_at=after_commit@1")).exitCode())
        .isEqualTo(FaultPoint.HALT_STATUS);
    SampleData.land(landing.resolve("wave1"), SampleData.ALL);
    for (String point : List.of("before_new_source_log", "after_new_source_log")) {
      ChildJvm.Result crashed = run(root, 2, concat(newLog, "--set", "fault.halt_at=" + point));
      assertThat(crashed.exitCode())
          .as("halt at %s:%n%s", point, crashed.output())
          .isEqualTo(FaultPoint.HALT_STATUS);
    }
    // The first log's batch 1 was finished on it before the kills: wave0 has left landing.
    assertThat(ArchiveStreamTest.filesUnder(landing)).allMatch(file -> file.startsWith("wave1/"));

    ChildJvm.Result restarted = run(root, 2, newLog);

    assertThat(restarted.exitCode()).as(restarted.output()).isZero();
    Path bronze = root.resolve("checkpoints/bronze_events");
    assertThat(Files.exists(bronze.resolve("offsets"))).isFalse();
    assertThat(Files.exists(bronze.resolve("lakestream-source-log/1/offsets"))).isTrue();
    List<String> landed = new ArrayList<>();
    for (String wave : List.of("wave0", "wave1")) {
      for (String file : SampleData.ALL) {
        landed.add(wave + "/" + file);
      }
    }
    assertEveryRowAndFileOnce(root, landed, 4);
  }

  /**
   * Killed half-way through writing each state file in turn (a chain of runs, each halted at the
   * next file, so every write path is cut once), then run to the end: every state file read back is
   * whole or absent, and the tables and files come out exact.
   */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aKillWhileAStateFileIsWrittenLeavesItWholeOrAbsent() throws Exception {
    Path root = dir.resolve("volume");
    SampleData.land(root.resolve("landing"), SampleData.ALL);
    List<String> stateFiles =
        List.of(
            "lakestream-txn-app-id", // the bronze sink's id, at the volume's first start
            "0.plan", // the first archive plan
            "0.done", // the first batch's archive marker
            "2.rows", // a batch's bookkeeping rows in an outbox
            "audit_batches.json", // an outbox flush, recorded before it commits
            ".flushed-up-to", // an outbox folder's flushed batch
            "_lakestream_summary.json"); // the run summary's cache
    for (String stateFile : stateFiles) {
      ChildJvm.Result crashed = run(root, 1, "--set", "fault.halt_writing=" + stateFile);
      assertThat(crashed.exitCode())
          .as("halt while writing %s:%n%s", stateFile, crashed.output())
          .isEqualTo(FaultPoint.HALT_STATUS);
      assertThat(crashed.output()).contains("halting the JVM half-way through");
      try (var files = Files.walk(root.resolve("checkpoints"))) {
        assertThat(files.filter(Files::isRegularFile))
            .as("state files after a halt while writing %s", stateFile)
            .filteredOn(file -> !file.getFileName().toString().startsWith("."))
            .allMatch(file -> file.toFile().length() > 0, "not empty");
      }
    }

    ChildJvm.Result restarted = run(root, 1);

    assertThat(restarted.exitCode()).as(restarted.output()).isZero();
    assertEveryRowAndFileOnce(root, List.of(SampleData.ALL), 4);
  }

  /**
   * Killed half-way through storing the contract it inferred: the next start finds no contract (or
   * a whole one), infers again and ingests every file once.
   */
  @Test
  void aKillWhileTheInferredContractIsWrittenLeavesNoHalfContract() throws Exception {
    Path root = dir.resolve("volume");
    SampleData.land(root.resolve("landing"), SampleData.ALL);
    Path contract = root.resolve("checkpoints/bronze_events/lakestream-schema/0.json");

    ChildJvm.Result crashed =
        run(root, 4, "--set", "ingest.schema=infer", "--set", "fault.halt_writing=0.json");

    assertThat(crashed.exitCode()).as(crashed.output()).isEqualTo(FaultPoint.HALT_STATUS);
    assertThat(contract).doesNotExist();

    ChildJvm.Result restarted = run(root, 4, "--set", "ingest.schema=infer");

    assertThat(restarted.exitCode()).as(restarted.output()).isZero();
    assertThat(Files.readString(contract)).contains("amount DOUBLE");
    SparkSession spark = TestSpark.session();
    assertThat(table(spark, root, "bronze_events").count()).isEqualTo(300);
    assertThat(ArchiveStreamTest.filesUnder(root.resolve("landing"))).isEmpty();
  }

  /**
   * Every row of the {@code landed} sample files in bronze_events once, every file archived once
   * and logged once, audit_batches adding up over {@code batches} batches, no plan left.
   */
  private static void assertEveryRowAndFileOnce(Path root, List<String> landed, int batches)
      throws Exception {
    Path landing = root.resolve("landing");
    Path archive = root.resolve("archive");
    SparkSession spark = TestSpark.session();
    Dataset<Row> bronze = table(spark, root, "bronze_events");
    long rows = 75L * landed.size();
    assertThat(bronze.count()).isEqualTo(rows);
    assertThat(
            bronze
                .groupBy("_source_file")
                .count()
                .select("count")
                .as(Encoders.LONG())
                .collectAsList())
        .hasSize(landed.size())
        .containsOnly(75L);
    assertThat(table(spark, root, "quarantine_events").count()).isEqualTo(10L * landed.size() / 4);
    Dataset<Row> audit = table(spark, root, "audit_batches");
    assertThat(audit.count())
        .isEqualTo(audit.select("batch_id").distinct().count())
        .isEqualTo(batches);
    assertThat(audit.agg(org.apache.spark.sql.functions.sum("rows_in")).first().getLong(0))
        .isEqualTo(rows);

    assertThat(ArchiveStreamTest.filesUnder(landing)).isEmpty();
    assertThat(ArchiveStreamTest.filesUnder(archive)).containsExactlyInAnyOrderElementsOf(landed);
    Dataset<Row> log = table(spark, root, "archive_log");
    assertThat(log.count()).isEqualTo(landed.size());
    assertThat(log.select("action").distinct().as(Encoders.STRING()).collectAsList())
        .containsExactly("moved");
    assertThat(log.select("source").as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrderElementsOf(
            bronze.select("_source_file").distinct().as(Encoders.STRING()).collectAsList());
    assertThat(
            ArchiveStreamTest.filesUnder(
                root.resolve("checkpoints/bronze_events/lakestream-archive")))
        .noneMatch(name -> name.endsWith(".plan"));
  }

  /** An event with one field the default contract lacks. */
  private static String withField(String eventId, int minute, String field, String value) {
    String line =
        io.lakestream.testing.Events.event(
            eventId, "u1", "click", io.lakestream.testing.Events.at(minute));
    return line.substring(0, line.length() - 1) + ",\"" + field + "\":\"" + value + "\"}";
  }

  /**
   * The whole pipeline, killed at each point of the restart over a grown contract: after bronze
   * recorded a new field, after the queries stopped for one, and after the tables gained one
   * (before silver and gold start again). One volume takes the three kills in a chain, each on a
   * field that arrives after the kill before it, so each later run first recovers from the kill
   * before (the run after the last kill recovers from it alone). Afterwards every layer holds every
   * event once, with the three fields.
   */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aCrashAtEachPointOfTheRestartForANewFieldLosesNothing() throws Exception {
    Path root = dir.resolve("volume");
    Path landing = root.resolve("landing");
    Path contracts = root.resolve("checkpoints/bronze_events/lakestream-schema");
    String[] wholePipeline = {
      "--set",
      "ingest.schema_evolution=add_new_columns",
      "--set",
      "pipeline.stop_after=gold",
      // conf/local.properties names the seed relative to the project folder; the app runs
      // elsewhere.
      "--set",
      "enrich.users.seed=" + SampleData.USERS
    };
    // Each kill's field first comes in one file and again in the next one (one file a batch): the
    // first file's batch records it, the second is read over the wider contract.
    String[][] fieldAndKill = {
      {"app_version", "after_contract_recorded"},
      {"os", "before_widening"},
      {"region", "after_widening"}
    };
    int event = 0;
    for (int kill = 0; kill < fieldAndKill.length; kill++) {
      String field = fieldAndKill[kill][0];
      for (int file = 0; file < 2; file++) {
        event++;
        io.lakestream.testing.Events.land(
            landing,
            "f" + event + ".json",
            List.of(withField("e" + event, event, field, field + "-" + event)));
      }
      ChildJvm.Result crashed =
          run(root, 1, concat(wholePipeline, "--set", "fault.halt_at=" + fieldAndKill[kill][1]));

      assertThat(crashed.exitCode())
          .as("halt at %s:%n%s", fieldAndKill[kill][1], crashed.output())
          .isEqualTo(FaultPoint.HALT_STATUS);
      assertThat(contracts.resolve((kill + 1) + ".json")).exists();
      assertThat(contracts.resolve((kill + 2) + ".json")).doesNotExist();
    }

    ChildJvm.Result restarted = run(root, 1, wholePipeline);

    assertThat(restarted.exitCode()).as(restarted.output()).isZero();
    // The file that brought a field is in bronze with the field rescued (its batch was written
    // over the narrower contract); the next one has it typed. Silver takes bronze's columns.
    SparkSession spark = TestSpark.session();
    assertThat(
            table(spark, root, "bronze_events")
                .orderBy("event_id")
                .selectExpr("event_id", "app_version", "os", "region", "_rescued_data")
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly(
            "[e1,null,null,null,{\"app_version\":\"app_version-1\"}]",
            "[e2,app_version-2,null,null,null]",
            "[e3,null,null,null,{\"os\":\"os-3\"}]",
            "[e4,null,os-4,null,null]",
            "[e5,null,null,null,{\"region\":\"region-5\"}]",
            "[e6,null,null,region-6,null]");
    assertThat(
            table(spark, root, "silver_events")
                .orderBy("event_id")
                .selectExpr("event_id", "app_version", "os", "region")
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly(
            "[e1,null,null,null]",
            "[e2,app_version-2,null,null]",
            "[e3,null,null,null]",
            "[e4,null,os-4,null]",
            "[e5,null,null,null]",
            "[e6,null,null,region-6]");
    assertThat(
            table(spark, root, "gold_event_type_totals")
                .selectExpr("event_type", "event_count")
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly("[click,6]");
    assertThat(ArchiveStreamTest.filesUnder(landing)).isEmpty();
    assertThat(table(spark, root, "archive_log").count()).isEqualTo(6);
    assertThat(contracts.resolve("4.json")).doesNotExist();
  }

  private static String[] concat(String[] first, String... more) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private ChildJvm.Result run(Path root, int filesPerBatch, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--config",
                Path.of(ChildJvm.property("lakestream.projectDir"), "conf", "local.properties")
                    .toString(),
                "--set",
                "master=local[2]",
                "--set",
                "volume.root=" + root,
                "--set",
                "pipeline.stop_after=bronze",
                "--set",
                "ingest.max_files_per_trigger=" + filesPerBatch,
                // Interpreted, as the unit tier: these runs are about halts, and the other
                // integration tests run the app with code generation, as users do.
                "--set",
                "spark.sql.codegen.wholeStage=false",
                "--set",
                "spark.sql.codegen.factoryMode=NO_CODEGEN"));
    args.addAll(List.of(extra));
    return ChildJvm.run(
        ChildJvm.appClasspath(),
        "io.lakestream.app.LakestreamApp",
        args,
        dir,
        Duration.ofMinutes(2));
  }
}

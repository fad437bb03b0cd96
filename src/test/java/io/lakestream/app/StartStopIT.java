package io.lakestream.app;

import static io.lakestream.testing.TestTables.table;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.testing.ChildJvm;
import io.lakestream.testing.SampleData;
import io.lakestream.testing.TestSpark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long-running app in a child JVM, as an operator sees it: under processingTime it picks up a
 * file dropped while it runs, a second instance on the same folders is turned away without harming
 * it, SIGTERM stops it cleanly, and a later availableNow run finishes the work with nothing lost or
 * doubled.
 */
// Generous waits: five queries cold-start at once on a shared 2-core machine; a wait only ends
// early on success.
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class StartStopIT {

  @TempDir Path dir;

  @Test
  void processingTimeRunPicksUpNewFilesRefusesASecondInstanceAndStopsCleanlyOnSigterm()
      throws Exception {
    Path root = dir.resolve("volume");
    Path landing = root.resolve("landing");
    SampleData.land(landing, "events-00001.json", "events-00002.json");

    ChildJvm.Running first =
        ChildJvm.start(
            ChildJvm.appClasspath(),
            LakestreamApp.class.getName(),
            args(root, "processingTime:1s"),
            dir);
    try {
      runAsOperator(root, landing, first);
    } finally {
      first.kill();
    }
  }

  private void runAsOperator(Path root, Path landing, ChildJvm.Running first) throws Exception {
    String silverWrite = "rows to `streaming_workspace`.`silver_events`";
    first.awaitOutput("Query bronze_events batch 0: 150 records", Duration.ofMinutes(5));
    first.awaitOutput(silverWrite, 1, Duration.ofMinutes(3));

    // Dropped while the app runs: picked up by the next trigger, no restart.
    SampleData.land(landing, "events-00003.json", "events-00004.json");
    first.awaitOutput("Query bronze_events batch 1: 150 records", Duration.ofMinutes(3));
    first.awaitOutput(silverWrite, 2, Duration.ofMinutes(3));

    ChildJvm.Result second =
        ChildJvm.run(
            ChildJvm.appClasspath(),
            LakestreamApp.class.getName(),
            args(root, "availableNow"),
            dir,
            Duration.ofMinutes(3));
    assertThat(second.exitCode()).as(second.output()).isEqualTo(LakestreamApp.ALREADY_RUNNING);
    assertThat(second.output())
        .contains("lakestream: another lakestream run is using " + root.resolve("checkpoints"));

    ChildJvm.Result stopped = first.terminate(Duration.ofMinutes(3));
    assertThat(stopped.exitCode()).as(stopped.output()).isEqualTo(143);
    assertThat(stopped.output())
        .contains("Shutdown signal: stopping every query")
        .contains("lakestream: stopped on request: every query stopped")
        .contains("  bronze_events                   300");

    ChildJvm.Result finish =
        ChildJvm.run(
            ChildJvm.appClasspath(),
            LakestreamApp.class.getName(),
            args(root, "availableNow"),
            dir,
            Duration.ofMinutes(3));
    assertThat(finish.exitCode()).as(finish.output()).isZero();
    SparkSession spark = TestSpark.session();
    assertThat(table(spark, root, "bronze_events").count()).isEqualTo(300);
    assertThat(table(spark, root, "quarantine_events").count()).isEqualTo(10);
    assertThat(table(spark, root, "silver_events").count()).isEqualTo(270);
    assertThat(
            table(spark, root, "gold_event_type_totals").agg(sum("event_count")).first().getLong(0))
        .isEqualTo(270);
    Dataset<Row> audit = table(spark, root, "audit_batches");
    assertThat(audit.count()).isEqualTo(audit.select("query", "batch_id").distinct().count());
    assertThat(table(spark, root, "archive_log").count()).isEqualTo(4);
  }

  private static List<String> args(Path root, String trigger) {
    return new ArrayList<>(
        List.of(
            "--config",
                Path.of(ChildJvm.property("lakestream.projectDir"), "conf", "local.properties")
                    .toString(),
            "--set", "master=local[2]",
            "--set", "volume.root=" + root,
            // conf/local.properties names the seed relative to the project folder; this JVM runs
            // elsewhere.
            "--set", "enrich.users.seed=" + io.lakestream.testing.SampleData.USERS,
            "--set", "trigger=" + trigger));
  }
}

package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.testing.ChildJvm;
import io.lakestream.testing.ComparableRows;
import io.lakestream.testing.LocalS3;
import io.lakestream.testing.SampleData;
import io.lakestream.testing.TestSpark;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 tier: the app in a child JVM with landing, archive, checkpoints and tables all under
 * {@code s3a://} on an S3 server in this JVM, configured only with the {@code fs.s3a.*} keys a user
 * sets for a real bucket (given as {@code --set spark.hadoop.fs.s3a.*}). Every table equals a local
 * run's row for row, every file is archived once, a second run adds nothing, the report and
 * maintain commands work there, and a chain of kills loses and duplicates nothing.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class S3PipelineIT {

  private static final String BUCKET = "lake";
  private static LocalS3 s3;

  @TempDir Path dir;

  @BeforeAll
  static void startServer() throws Exception {
    s3 = LocalS3.start(0, BUCKET);
  }

  @AfterAll
  static void stopServer() throws Exception {
    s3.close();
  }

  @Test
  void theSampleOnS3GivesTheSameTablesAsOnALocalDisk() throws Exception {
    String root = "s3a://" + BUCKET + "/volume";
    Configuration hadoopConf = new Configuration();
    s3.hadoopSettings().forEach(hadoopConf::set);
    FileSystem fs = FileSystem.get(URI.create(root), hadoopConf);
    for (String name : SampleData.ALL) {
      s3.put("volume/landing/" + name, SampleData.FOLDER.resolve(name));
      Thread.sleep(5); // distinct modification times, read in landing order
    }

    // Two instances started at the same moment on the same checkpoints: one runs, one is refused.
    ChildJvm.Running one = start(root);
    ChildJvm.Running other = start(root);
    ChildJvm.Result oneResult = one.await(Duration.ofMinutes(4));
    ChildJvm.Result otherResult = other.await(Duration.ofMinutes(4));
    ChildJvm.Result first = oneResult.exitCode() == 0 ? oneResult : otherResult;
    ChildJvm.Result refused = oneResult.exitCode() == 0 ? otherResult : oneResult;

    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(3);
    assertThat(refused.output())
        .contains("another lakestream run is using " + root + "/checkpoints (host ");
    assertThat(first.output())
        .contains("  bronze_events                   300        300")
        .contains("  quarantine_events                10         10")
        .contains("  silver_events                   270        270")
        .contains("  files archived                    4          4");
    assertThat(names(fs, root + "/landing")).isEmpty();
    assertThat(names(fs, root + "/archive")).containsExactlyInAnyOrder(SampleData.ALL);

    SparkSession spark = TestSpark.session();
    s3.hadoopSettings().forEach(spark.conf()::set);
    ComparableRows.assertSameAsLocalRun(spark, root, dir.resolve("local"));
    assertThat(ComparableRows.of(spark, root, "archive_log")).hasSize(4);
    // The local-disk shortcuts of conf/local.properties (this session sets the same) stay local.
    var logStores =
        (org.apache.spark.sql.delta.storage.DelegatingLogStore)
            org.apache.spark.sql.delta.storage.LogStore$.MODULE$.apply(spark);
    assertThat(logStoreOf(logStores, root)).isEqualTo("io.delta.storage.S3SingleDriverLogStore");
    assertThat(logStoreOf(logStores, dir.toUri().toString()))
        .isEqualTo(io.lakestream.table.LocalDeltaLogStore.class.getName());
    var sessionHadoopConf = spark.sessionState().newHadoopConf();
    assertThat(new org.apache.hadoop.fs.Path(root).getFileSystem(sessionHadoopConf))
        .isInstanceOf(org.apache.hadoop.fs.s3a.S3AFileSystem.class);
    assertThat(new org.apache.hadoop.fs.Path(dir.toUri()).getFileSystem(sessionHadoopConf))
        .isInstanceOf(io.lakestream.fs.ForklessLocalFileSystem.class);

    ChildJvm.Result second = run(root);

    assertThat(second.exitCode()).as(second.output()).isZero();
    assertThat(second.output()).contains("  bronze_events                     0        300");
    assertThat(ComparableRows.of(spark, root, "bronze_events")).hasSize(300);
    assertThat(ComparableRows.of(spark, root, "archive_log")).hasSize(4);

    // The report and maintain commands on the same volume.
    Path report = dir.resolve("report.html");
    List<String> silverBefore = ComparableRows.of(spark, root, "silver_events");
    ChildJvm.Result reported = command("report", root, "--out", report.toString());
    ChildJvm.Result maintained = command("maintain", root);

    assertThat(reported.exitCode()).as(reported.output()).isZero();
    assertThat(java.nio.file.Files.readString(report))
        .contains("pipeline_progress")
        .contains("gold_event_counts");
    assertThat(maintained.exitCode()).as(maintained.output()).isZero();
    assertThat(maintained.output()).contains("bronze_events").contains("silver_events");
    assertThat(ComparableRows.of(spark, root, "silver_events")).isEqualTo(silverBefore);
  }

  private ChildJvm.Result command(String name, String root, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of(name));
    args.addAll(args(root, extra));
    return ChildJvm.run(
        ChildJvm.appClasspath(),
        "io.lakestream.app.LakestreamApp",
        args,
        dir,
        Duration.ofMinutes(3));
  }

  /**
   * Where rename is a copy and a delete: a chain of runs, each halted dead at the next worst moment
   * (after a commit before archiving, between an archive copy and its delete, half-way through
   * replacing a state file, while taking over the lock the last one left), then run to the end.
   * Every row once, every file archived once and logged once, none left in landing.
   */
  @Test
  void aKillAtEachWorstMomentOnS3LosesAndDuplicatesNothing() throws Exception {
    String root = "s3a://" + BUCKET + "/crashes";
    for (String name : SampleData.ALL) {
      s3.put("crashes/landing/" + name, SampleData.FOLDER.resolve(name));
      Thread.sleep(5);
    }
    FileSystem fs = fileSystem(root);
    String[] bronzeOneFileABatch = {
      "--set",
      "pipeline.stop_after=bronze",
      "--set",
      "ingest.max_files_per_trigger=1",
      // conf/s3.properties' Delta listing from a version, exercised here
      "--set",
      "spark.hadoop.delta.enableFastS3AListFrom=true"
    };
    List<String[]> halts =
        List.of(
            new String[] {"fault.halt_at=after_commit"},
            new String[] {"fault.halt_at=between_copy_and_delete"},
            new String[] {"fault.halt_writing=0.done"},
            new String[] {"fault.halt_at=taking_over_lock"});
    for (String[] halt : halts) {
      ChildJvm.Result crashed =
          run(root, Duration.ofMinutes(3), concat(bronzeOneFileABatch, "--set", halt[0]));
      assertThat(crashed.exitCode())
          .as("%s:%n%s", halt[0], crashed.output())
          .isEqualTo(io.lakestream.config.FaultPoint.HALT_STATUS);
      if (halt[0].endsWith("between_copy_and_delete")) {
        assertThat(names(fs, root + "/landing")).hasSize(4);
        assertThat(names(fs, root + "/archive")).hasSize(1); // in both places now
      }
    }

    ChildJvm.Result restarted = run(root, Duration.ofMinutes(4), bronzeOneFileABatch);

    assertThat(restarted.exitCode()).as(restarted.output()).isZero();
    assertThat(names(fs, root + "/landing")).isEmpty();
    assertThat(names(fs, root + "/archive")).containsExactlyInAnyOrder(SampleData.ALL);
    SparkSession spark = TestSpark.session();
    s3.hadoopSettings().forEach(spark.conf()::set);
    List<String> bronzeFiles =
        spark
            .read()
            .format("delta")
            .load(root + "/tables/bronze_events")
            .groupBy("_source_file")
            .count()
            .select("count")
            .as(org.apache.spark.sql.Encoders.LONG())
            .collectAsList()
            .stream()
            .map(String::valueOf)
            .toList();
    assertThat(bronzeFiles).containsExactly("75", "75", "75", "75");
    assertThat(ComparableRows.of(spark, root, "quarantine_events")).hasSize(10);
    assertThat(ComparableRows.of(spark, root, "archive_log")).hasSize(4);
    var audit = spark.read().format("delta").load(root + "/tables/audit_batches");
    assertThat(audit.count()).isEqualTo(4).isEqualTo(audit.select("batch_id").distinct().count());
    assertThat(audit.agg(org.apache.spark.sql.functions.sum("rows_in")).first().getLong(0))
        .isEqualTo(300);
  }

  private static String[] concat(String[] first, String... more) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static String logStoreOf(
      org.apache.spark.sql.delta.storage.DelegatingLogStore logStores, String path) {
    var delegate = logStores.getDelegate(new org.apache.hadoop.fs.Path(path));
    return delegate instanceof org.apache.spark.sql.delta.storage.LogStoreAdaptor adaptor
        ? adaptor.logStoreImpl().getClass().getName()
        : delegate.getClass().getName();
  }

  private static FileSystem fileSystem(String root) throws Exception {
    Configuration hadoopConf = new Configuration();
    s3.hadoopSettings().forEach(hadoopConf::set);
    return FileSystem.get(URI.create(root), hadoopConf);
  }

  /**
   * A wrong endpoint, a missing bucket or refused credentials stop the start with exit 2 (S3A alone
   * would retry for minutes), naming the setting to fix and what the store answered; nothing is
   * created.
   */
  @Test
  void aBadEndpointBucketOrCredentialStopsTheStartAtOnce() throws Exception {
    String root = "s3a://" + BUCKET + "/refused";
    String closedPort = "http://127.0.0.1:" + freePort();

    ChildJvm.Result wrongEndpoint =
        run(root, Duration.ofSeconds(60), "--set", "spark.hadoop.fs.s3a.endpoint=" + closedPort);
    ChildJvm.Result noBucket = run("s3a://no-such-bucket/volume", Duration.ofSeconds(60));
    ChildJvm.Result refused =
        run(root, Duration.ofSeconds(60), "--set", "spark.hadoop.fs.s3a.secret.key=wrong");

    assertThat(wrongEndpoint.exitCode()).as(wrongEndpoint.output()).isEqualTo(2);
    assertThat(wrongEndpoint.output())
        .contains("volume.landing = '" + root + "/landing'")
        .contains("cannot reach the S3 store")
        .contains("Fix spark.hadoop.fs.s3a.endpoint (now '" + closedPort + "')");
    assertThat(noBucket.exitCode()).as(noBucket.output()).isEqualTo(2);
    assertThat(noBucket.output()).contains("bucket 'no-such-bucket' does not exist");
    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
    assertThat(refused.output()).contains("the store refused the credentials");
    Configuration hadoopConf = new Configuration();
    s3.hadoopSettings().forEach(hadoopConf::set);
    assertThat(
            FileSystem.get(URI.create(root), hadoopConf)
                .exists(new org.apache.hadoop.fs.Path(root)))
        .isFalse();
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private ChildJvm.Result run(String root) throws Exception {
    return run(root, Duration.ofMinutes(4));
  }

  private ChildJvm.Result run(String root, Duration timeout, String... extra) throws Exception {
    return ChildJvm.run(
        ChildJvm.appClasspath(),
        "io.lakestream.app.LakestreamApp",
        args(root, extra),
        dir,
        timeout);
  }

  private ChildJvm.Running start(String root, String... extra) throws Exception {
    return ChildJvm.start(
        ChildJvm.appClasspath(), "io.lakestream.app.LakestreamApp", args(root, extra), dir);
  }

  private static List<String> args(String root, String... extra) {
    Path projectDir = Path.of(ChildJvm.property("lakestream.projectDir"));
    List<String> args =
        new ArrayList<>(
            List.of(
                "--config",
                projectDir.resolve("conf/local.properties").toString(),
                "--set",
                "master=local[2]",
                "--set",
                "volume.root=" + root,
                "--set",
                "enrich.users.seed=" + SampleData.USERS));
    s3.sparkSettings()
        .forEach(
            (key, value) -> {
              args.add("--set");
              args.add(key + "=" + value);
            });
    args.addAll(List.of(extra));
    return args;
  }

  private static List<String> names(FileSystem fs, String folder) throws Exception {
    List<String> names = new ArrayList<>();
    if (!fs.exists(new org.apache.hadoop.fs.Path(folder))) {
      return names;
    }
    var files = fs.listFiles(new org.apache.hadoop.fs.Path(folder), true);
    while (files.hasNext()) {
      FileStatus file = files.next();
      names.add(file.getPath().getName());
    }
    return names;
  }
}

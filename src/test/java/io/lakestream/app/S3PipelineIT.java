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
 * run's row for row, every file is archived once, and a second run adds nothing.
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

    ChildJvm.Result first = run(root);

    assertThat(first.exitCode()).as(first.output()).isZero();
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

    ChildJvm.Result second = run(root);

    assertThat(second.exitCode()).as(second.output()).isZero();
    assertThat(second.output()).contains("  bronze_events                     0        300");
    assertThat(ComparableRows.of(spark, root, "bronze_events")).hasSize(300);
    assertThat(ComparableRows.of(spark, root, "archive_log")).hasSize(4);
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
    return ChildJvm.run(
        ChildJvm.appClasspath(), "io.lakestream.app.LakestreamApp", args, dir, timeout);
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

package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.testing.ChildJvm;
import io.lakestream.testing.ComparableRows;
import io.lakestream.testing.SampleData;
import io.lakestream.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster jar under {@code SparkSubmit --master local[2]}, on a classpath holding only what an
 * open-source Spark ships (so Delta must come from the jar), configured the way a user would: a
 * properties file plus {@code --conf spark.lakestream.*}. Every table must equal an in-process
 * run's.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SparkSubmitIT {

  @TempDir Path dir;

  @Test
  void submittedJarGivesTheSameTablesAsALocalRun() throws Exception {
    Path submitted = dir.resolve("submitted");
    SampleData.land(submitted.resolve("landing"), SampleData.ALL);
    String sparkClasspath =
        Files.readString(Path.of(ChildJvm.property("lakestream.sparkHomeClasspath"))).trim();
    Path projectDir = Path.of(ChildJvm.property("lakestream.projectDir"));

    ChildJvm.Result result =
        ChildJvm.run(
            sparkClasspath,
            "org.apache.spark.deploy.SparkSubmit",
            List.of(
                "--master",
                "local[2]",
                "--class",
                "io.lakestream.app.LakestreamApp",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.sql.shuffle.partitions=2",
                "--conf",
                "spark.lakestream.volume.root=" + submitted,
                // conf/local.properties names the seed relative to the project folder; this JVM
                // runs elsewhere.
                "--conf",
                "spark.lakestream.enrich.users.seed=" + SampleData.USERS,
                ChildJvm.property("lakestream.clusterJar"),
                "--config",
                projectDir.resolve("conf/local.properties").toString()),
            dir,
            Duration.ofMinutes(4));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("  bronze_events                   300        300")
        .contains("  quarantine_events                10         10")
        .contains("  silver_events                   270        270")
        .contains("  files processed                   4          4");

    SparkSession spark = TestSpark.session();
    ComparableRows.assertSameAsLocalRun(spark, submitted, dir.resolve("local"));
    assertThat(ComparableRows.of(spark, submitted, "bronze_events")).hasSize(300);
  }
}

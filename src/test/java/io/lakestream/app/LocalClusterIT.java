package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.testing.ChildJvm;
import io.lakestream.testing.ComparableRows;
import io.lakestream.testing.SampleData;
import io.lakestream.testing.TestSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster jar on a real Spark standalone cluster (master + two 1-core workers on 127.0.0.1,
 * started by {@code scripts/local-cluster.sh} from the Maven-resolved Spark jars): every table must
 * equal a local[2] run's, and the tasks must have run in the workers' executors.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LocalClusterIT {

  @TempDir Path dir;

  private Process script(Path clusterDir, String... args) throws IOException {
    Path projectDir = Path.of(ChildJvm.property("lakestream.projectDir"));
    List<String> command =
        new ArrayList<>(List.of("bash", projectDir.resolve("scripts/local-cluster.sh").toString()));
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(projectDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("script-" + args[0] + ".log").toFile());
    builder
        .environment()
        .putAll(
            Map.of(
                "LAKESTREAM_CLUSTER_DIR", clusterDir.toString(),
                "LAKESTREAM_MASTER_PORT", "17077",
                "LAKESTREAM_MASTER_UI_PORT", "18080"));
    return builder.start();
  }

  private String run(Path clusterDir, String... args) throws Exception {
    Process process = script(clusterDir, args);
    boolean finished = process.waitFor(6, TimeUnit.MINUTES);
    String output =
        Files.readString(dir.resolve("script-" + args[0] + ".log"), StandardCharsets.UTF_8);
    assertThat(finished).as("local-cluster.sh %s finished:%n%s", args[0], output).isTrue();
    assertThat(process.exitValue()).as("local-cluster.sh %s:%n%s", args[0], output).isZero();
    return output;
  }

  @Test
  void clusterRunGivesTheSameTablesAsALocalRunAndRunsTasksOnTheWorkers() throws Exception {
    Path clusterDir = dir.resolve("cluster");
    Path onCluster = dir.resolve("on-cluster");
    SampleData.land(onCluster.resolve("landing"), SampleData.ALL);
    try {
      run(clusterDir, "start");
      // Configured as a user would: the properties file plus spark-submit --conf
      // spark.lakestream.<key>.
      String output =
          run(clusterDir, "submit", "--conf", "spark.lakestream.volume.root=" + onCluster);
      assertThat(output).contains("  silver_events                   270        270");
    } finally {
      run(clusterDir, "stop");
    }

    for (int worker = 1; worker <= 2; worker++) {
      try (Stream<Path> files = Files.walk(clusterDir.resolve("work-" + worker))) {
        List<Path> executorLogs =
            files.filter(path -> path.getFileName().toString().equals("stderr")).toList();
        assertThat(executorLogs).as("executor logs of worker %d", worker).isNotEmpty();
        assertThat(Files.readString(executorLogs.get(0)))
            .as("worker %d ran tasks", worker)
            .contains("Running task");
      }
    }

    SparkSession spark = TestSpark.session();
    ComparableRows.assertSameAsLocalRun(spark, onCluster, dir.resolve("local"));
  }
}

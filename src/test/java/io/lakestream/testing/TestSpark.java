package io.lakestream.testing;

import io.lakestream.app.SparkSessions;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.config.RawConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;

/**
 * The one local[2] SparkSession shared by the tests of a JVM. It is built by the app's own {@link
 * SparkSessions#getOrCreate} (Delta, UTC event time, the pipeline's settings), adding only what
 * keeps tests fast: one shuffle partition, one Delta snapshot partition, no UI, no Delta
 * statistics. The tests' JVM runs in America/Los_Angeles (pom.xml), so a session that lost its UTC
 * setting fails them.
 */
public final class TestSpark {

  private static final Map<String, String> INTERPRETED =
      Map.of(
          "spark.sql.codegen.wholeStage", "false", "spark.sql.codegen.factoryMode", "NO_CODEGEN");

  /** Spark's defaults for the same keys. */
  private static final Map<String, String> CODE_GENERATION =
      Map.of("spark.sql.codegen.wholeStage", "true", "spark.sql.codegen.factoryMode", "FALLBACK");

  private static SparkSession session;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      Path scratch;
      try {
        scratch = Files.createTempDirectory("lakestream-test-warehouse");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Map<String, String> propertiesFile =
          Map.of(
              "volume.root", scratch.resolve("unused-volume").toString(),
              "master", "local[2]",
              "app.name", "lakestream-tests",
              "spark.ui.enabled", "false",
              "spark.sql.shuffle.partitions", "1",
              "spark.default.parallelism", "2",
              "spark.databricks.delta.snapshotPartitions", "1",
              // As conf/local.properties: VACUUM's listing would otherwise take 10,000 tasks.
              "spark.sql.sources.parallelPartitionDiscovery.parallelism", "2",
              "spark.databricks.delta.stats.collect", "false",
              "spark.sql.warehouse.dir", scratch.toString());
      Map<String, String> settings = new HashMap<>(propertiesFile);
      // As a draining run sets it: tests that write tables without a run must not compact either.
      settings.put("spark.databricks.delta.autoCompact.enabled", "false");
      // As conf/local.properties: no chmod process for each file created.
      settings.put("spark.hadoop.fs.file.impl", "io.lakestream.fs.ForklessLocalFileSystem");
      // As conf/local.properties: Spark's default (FileContext) forks readlink and chmod per file.
      settings.put(
          "spark.sql.streaming.checkpointFileManagerClass",
          "org.apache.spark.sql.execution.streaming.checkpointing"
              + ".FileSystemBasedCheckpointFileManager");
      // As conf/local.properties: a log listing stats only the files since the checkpoint.
      settings.put("spark.delta.logStore.file.impl", "io.lakestream.table.LocalDeltaLogStore");
      // Spark's interpreted evaluation, as Spark's own suites can run: generating and compiling
      // Java for each new plan was half the unit tier's time. The integration tests run the app as
      // users do, with code generation; withCodeGeneration turns it on for a test.
      settings.putAll(INTERPRETED);
      LakestreamConfig config =
          LakestreamConfig.from(RawConfig.resolve(settings, Map.of(), Map.of()));
      session = SparkSessions.getOrCreate(config, false);
    }
    return session;
  }

  /**
   * Runs {@code writes} with Delta's file statistics collected, as a run does (the tests' session
   * switches them off to go faster).
   */
  public static void withDeltaStatistics(Runnable writes) {
    try {
      with(
          Map.of("spark.databricks.delta.stats.collect", "true"),
          () -> {
            writes.run();
            return null;
          });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs {@code work} with Spark's code generation on, as a run has it (the tests' session
   * evaluates plans interpreted to go faster).
   */
  public static <T> T withCodeGeneration(Callable<T> work) throws Exception {
    return with(CODE_GENERATION, work);
  }

  private static <T> T with(Map<String, String> settings, Callable<T> work) throws Exception {
    SparkSession spark = session();
    Map<String, String> before = new HashMap<>();
    settings.forEach(
        (key, value) -> {
          before.put(key, spark.conf().get(key));
          spark.conf().set(key, value);
        });
    try {
      return work.call();
    } finally {
      before.forEach(spark.conf()::set);
    }
  }
}

package io.lakestream.testing;

import io.lakestream.app.SparkSessions;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.config.RawConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one local[2] SparkSession shared by the tests of a JVM. It is built by the app's own {@link
 * SparkSessions#getOrCreate} (Delta, UTC event time, the pipeline's settings), adding only what
 * keeps tests fast: one shuffle partition, one Delta snapshot partition, no UI, no Delta
 * statistics. The tests' JVM runs in America/Los_Angeles (pom.xml), so a session that lost its UTC
 * setting fails them.
 */
public final class TestSpark {

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
      Map<String, String> settings = new java.util.HashMap<>(propertiesFile);
      // As a draining run sets it: tests that write tables without a run must not compact either.
      settings.put("spark.databricks.delta.autoCompact.enabled", "false");
      // As conf/local.properties: no chmod process for each file created.
      settings.put("spark.hadoop.fs.file.impl", "io.lakestream.fs.ForklessLocalFileSystem");
      // As conf/local.properties: a log listing stats only the files since the checkpoint.
      settings.put("spark.delta.logStore.file.impl", "io.lakestream.fs.LocalDeltaLogStore");
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
    String key = "spark.databricks.delta.stats.collect";
    SparkSession spark = session();
    String before = spark.conf().get(key);
    spark.conf().set(key, "true");
    try {
      writes.run();
    } finally {
      spark.conf().set(key, before);
    }
  }
}

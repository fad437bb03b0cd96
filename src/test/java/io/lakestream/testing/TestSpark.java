package io.lakestream.testing;

import io.lakestream.app.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.apache.spark.sql.SparkSession;

/**
 * The one local[2] SparkSession shared by the tests of a JVM, with Delta and the settings that keep tests
 * fast: one shuffle partition, one Delta snapshot partition, no UI, no Delta statistics.
 */
public final class TestSpark {

  private static SparkSession session;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      String warehouse;
      try {
        warehouse = Files.createTempDirectory("lakestream-test-warehouse").toString();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("lakestream-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "1")
              .config("spark.default.parallelism", "2")
              .config("spark.databricks.delta.snapshotPartitions", "1")
              .config("spark.databricks.delta.stats.collect", "false")
              .config("spark.sql.extensions", SparkSessions.DELTA_EXTENSION)
              .config("spark.sql.catalog.spark_catalog", SparkSessions.DELTA_CATALOG)
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.sql.warehouse.dir", warehouse)
              .getOrCreate();
      SparkSessions.applyPipelineSettings(session);
    }
    return session;
  }
}

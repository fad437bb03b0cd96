package io.lakestream.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.split;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.app.Pipeline;
import io.lakestream.app.RunSummary;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.StructField;

/**
 * A table's rows as sorted strings, for comparing two runs of the pipeline on the same input:
 * without what differs by run (ingestion times; the landing folder, so files are compared by name;
 * in silver, the lineage of the kept copy of a duplicate, since which file's copy survives within a
 * batch is not defined), and with doubles to 6 decimals (sums depend on the order partitions are
 * added in).
 */
public final class ComparableRows {

  private ComparableRows() {}

  public static List<String> of(SparkSession spark, Path volumeRoot, String table) {
    return of(spark, volumeRoot.toString(), table);
  }

  /** The same, for a volume under any file system URI, e.g. {@code s3a://bucket/volume}. */
  public static List<String> of(SparkSession spark, String volumeRoot, String table) {
    Dataset<Row> rows = spark.read().format("delta").load(volumeRoot + "/tables/" + table);
    if (table.equals("silver_events")) {
      rows = rows.drop("_source_file");
    }
    for (String column : List.of("_source_file", "source_file")) {
      if (Arrays.asList(rows.columns()).contains(column)) {
        rows = rows.withColumn(column, element_at(split(col(column), "/"), -1));
      }
    }
    rows = rows.drop("_ingested_at", "ingested_at");
    for (StructField field : rows.schema().fields()) {
      if (field.dataType() instanceof DoubleType) {
        rows = rows.withColumn(field.name(), round(col(field.name()), 6));
      }
    }
    return rows.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  /** The local run's rows per table, made once per JVM: every caller compares the same run. */
  private static java.util.Map<String, List<String>> localRun;

  /**
   * Asserts that every table of {@code otherRoot} (a run elsewhere: spark-submit, a cluster, S3)
   * holds the same rows as the pipeline run in-process on all sample files. The first caller runs
   * it under its {@code localRoot}; later callers in the same JVM compare with that run's rows.
   */
  public static void assertSameAsLocalRun(SparkSession spark, Path otherRoot, Path localRoot)
      throws Exception {
    assertSameAsLocalRun(spark, otherRoot.toString(), localRoot);
  }

  /** The same, for a volume under any file system URI. */
  public static void assertSameAsLocalRun(SparkSession spark, String otherRoot, Path localRoot)
      throws Exception {
    java.util.Map<String, List<String>> expected = localRun(spark, localRoot);
    for (String table : RunSummary.TABLES) {
      assertThat(of(spark, otherRoot, table)).as(table).isNotEmpty().isEqualTo(expected.get(table));
    }
  }

  private static synchronized java.util.Map<String, List<String>> localRun(
      SparkSession spark, Path localRoot) throws Exception {
    if (localRun == null) {
      SampleData.land(localRoot.resolve("landing"), SampleData.ALL);
      // As conf/local.properties, which the other runs read: silver enriched from the sample users.
      new Pipeline(
              spark,
              TestConfigs.local(
                  localRoot,
                  java.util.Map.of(
                      "enrich.enabled", "true", "enrich.users.seed", SampleData.USERS.toString())))
          .run();
      java.util.Map<String, List<String>> rows = new java.util.HashMap<>();
      for (String table : RunSummary.TABLES) {
        rows.put(table, of(spark, localRoot, table));
      }
      localRun = java.util.Map.copyOf(rows);
    }
    return localRun;
  }
}

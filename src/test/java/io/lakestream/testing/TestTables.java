package io.lakestream.testing;

import io.lakestream.config.LakestreamConfig;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reading a run's output tables back in tests. */
public final class TestTables {

  private TestTables() {}

  /** A table by its name in the run's catalog, read with the shared test session. */
  public static Dataset<Row> table(LakestreamConfig config, String name) {
    return TestSpark.session().table(config.catalog().tableIdentifier(name));
  }

  /**
   * A table by its folder under {@code <root>/tables} (local catalog mode), for a volume a child
   * JVM wrote: this JVM's catalog does not know its tables.
   */
  public static Dataset<Row> table(SparkSession spark, Path root, String name) {
    return spark.read().format("delta").load(root.resolve("tables").resolve(name).toString());
  }
}

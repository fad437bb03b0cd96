package io.lakestream.app;

/**
 * Detects a Databricks runtime, where a JAR task must neither stop the shared SparkContext nor call
 * {@code System.exit}, and must rethrow failures so the run is marked failed.
 */
final class DatabricksRuntime {

  /** Set by tests to simulate Databricks in a local JVM. */
  static final String SIMULATE_PROPERTY = "lakestream.simulateDatabricks";

  private DatabricksRuntime() {}

  static boolean detected() {
    return System.getenv("DATABRICKS_RUNTIME_VERSION") != null
        || Boolean.getBoolean(SIMULATE_PROPERTY);
  }
}

package io.lakestream.config;

/**
 * Where a configuration value came from, highest precedence first. Precedence is implemented in
 * {@link RawConfig#resolve}: command line {@code --set} > Spark conf {@code spark.lakestream.<key>}
 * > properties file > built-in default.
 */
public enum ConfigSource {
  COMMAND_LINE("--set"),
  SPARK_CONF("Spark conf"),
  PROPERTIES_FILE("properties file"),
  DEFAULT("default");

  private final String label;

  ConfigSource(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}

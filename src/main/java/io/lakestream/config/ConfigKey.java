package io.lakestream.config;

import java.util.Optional;

/**
 * One configuration key, declared once: its name, its default (if any), what values it allows and
 * what it does. {@link ConfigKeys} holds every key; the README's configuration table is written
 * from the same declarations.
 */
public record ConfigKey(
    String name, Optional<String> defaultValue, String allowed, String description) {

  static ConfigKey optional(String name, String allowed, String description) {
    return new ConfigKey(name, Optional.empty(), allowed, description);
  }

  static ConfigKey withDefault(
      String name, String defaultValue, String allowed, String description) {
    return new ConfigKey(name, Optional.of(defaultValue), allowed, description);
  }

  /** The Spark conf name that sets this key, e.g. {@code spark.lakestream.trigger}. */
  public String sparkConfName() {
    return ConfigKeys.SPARK_CONF_PREFIX + name;
  }
}

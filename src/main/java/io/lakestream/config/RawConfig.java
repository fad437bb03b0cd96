package io.lakestream.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The untyped values of every key after precedence is applied, each remembering its source, plus
 * the problems found while merging (unknown keys). {@link LakestreamConfig#from} turns it into
 * typed settings.
 */
public final class RawConfig {

  /** A value and where it came from, for messages such as "trigger = 'x' (from --set)". */
  public record Value(String text, ConfigSource source) {}

  private final Map<String, Value> values;
  private final Map<String, String> sparkSettings;
  private final List<String> problems;

  private RawConfig(
      Map<String, Value> values, Map<String, String> sparkSettings, List<String> problems) {
    this.values = Map.copyOf(values);
    this.sparkSettings = Map.copyOf(sparkSettings);
    this.problems = List.copyOf(problems);
  }

  /**
   * Merges the sources. Precedence, highest first: command line {@code --set key=value}, Spark conf
   * {@code spark.lakestream.<key>}, the properties file, the key's default.
   *
   * @param sparkConf full Spark conf entries; only those starting with {@code spark.lakestream.}
   *     are read
   */
  public static RawConfig resolve(
      Map<String, String> propertiesFile,
      Map<String, String> sparkConf,
      Map<String, String> commandLine) {
    Map<String, Value> values = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (ConfigKey key : ConfigKeys.ALL) {
      key.defaultValue()
          .ifPresent(text -> values.put(key.name(), new Value(text, ConfigSource.DEFAULT)));
    }
    // Spark settings may sit in the properties file too, e.g. spark.sql.shuffle.partitions=4, and
    // come with --set, which wins.
    Map<String, String> sparkSettings = new HashMap<>();
    Map<String, String> lakestreamEntries = withoutSparkSettings(propertiesFile, sparkSettings);
    putAll(values, problems, lakestreamEntries, ConfigSource.PROPERTIES_FILE);
    Map<String, String> fromSpark = new HashMap<>();
    sparkConf.forEach(
        (name, text) -> {
          if (name.startsWith(ConfigKeys.SPARK_CONF_PREFIX)
              && !name.equals(ConfigKeys.SPARK_CONF_PROPERTIES_FILE)) {
            fromSpark.put(name.substring(ConfigKeys.SPARK_CONF_PREFIX.length()), text);
          }
        });
    putAll(values, problems, fromSpark, ConfigSource.SPARK_CONF);
    putAll(
        values,
        problems,
        withoutSparkSettings(commandLine, sparkSettings),
        ConfigSource.COMMAND_LINE);
    return new RawConfig(values, sparkSettings, problems);
  }

  /**
   * The entries that are not Spark settings ({@code spark.*} other than {@code
   * spark.lakestream.*}); those go into {@code sparkSettings}, replacing what an earlier source
   * gave.
   */
  private static Map<String, String> withoutSparkSettings(
      Map<String, String> entries, Map<String, String> sparkSettings) {
    Map<String, String> rest = new HashMap<>();
    entries.forEach(
        (name, text) -> {
          String trimmed = name.trim();
          if (trimmed.startsWith("spark.") && !trimmed.startsWith(ConfigKeys.SPARK_CONF_PREFIX)) {
            sparkSettings.put(trimmed, text.trim());
          } else {
            rest.put(trimmed, text);
          }
        });
    return rest;
  }

  private static void putAll(
      Map<String, Value> values,
      List<String> problems,
      Map<String, String> entries,
      ConfigSource source) {
    entries.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            entry -> {
              String name = entry.getKey().trim();
              if (name.startsWith(ConfigKeys.EXPECTATION_PREFIX)
                  && name.length() > ConfigKeys.EXPECTATION_PREFIX.length()) {
                values.put(name, new Value(entry.getValue().trim(), source));
              } else if (ConfigKeys.byName(name).isEmpty()) {
                problems.add(unknownKey(name, source));
              } else {
                values.put(name, new Value(entry.getValue().trim(), source));
              }
            });
  }

  private static String unknownKey(String name, ConfigSource source) {
    String closest =
        ConfigKeys.ALL.stream()
            .map(ConfigKey::name)
            .min(Comparator.comparingInt(known -> editDistance(known, name)))
            .orElseThrow();
    String hint = editDistance(closest, name) <= 3 ? " Did you mean '" + closest + "'?" : "";
    return "unknown key '"
        + name
        + "' (from "
        + source.label()
        + ")."
        + hint
        + " Allowed keys: "
        + String.join(", ", ConfigKeys.ALL.stream().map(ConfigKey::name).toList())
        + ", and "
        + ConfigKeys.EXPECTATION_PREFIX
        + "<name>.";
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** The value of a key, if any source (including its default) set it to a non-empty text. */
  public Optional<Value> get(ConfigKey key) {
    Value value = values.get(key.name());
    return value == null || value.text().isEmpty() ? Optional.empty() : Optional.of(value);
  }

  /**
   * Keys that have a default but were set to an empty text by some source: an empty value does not
   * mean "use the default", it is refused at start-up like any other bad value.
   */
  public List<ConfigKey> emptiedDefaults() {
    return ConfigKeys.ALL.stream()
        .filter(key -> key.defaultValue().isPresent())
        .filter(key -> values.containsKey(key.name()) && values.get(key.name()).text().isEmpty())
        .toList();
  }

  /** The value a source set, even an empty one; {@link #get} hides empty values. */
  Optional<Value> explicit(ConfigKey key) {
    return Optional.ofNullable(values.get(key.name()));
  }

  /** The {@code quality.expect.<name>} entries, by name, in name order. */
  public SortedMap<String, Value> expectations() {
    SortedMap<String, Value> expectations = new TreeMap<>();
    values.forEach(
        (name, value) -> {
          if (name.startsWith(ConfigKeys.EXPECTATION_PREFIX)) {
            expectations.put(name.substring(ConfigKeys.EXPECTATION_PREFIX.length()), value);
          }
        });
    return expectations;
  }

  /** The {@code spark.*} entries of the properties file (not {@code spark.lakestream.*}). */
  public Map<String, String> sparkSettings() {
    return sparkSettings;
  }

  public List<String> problems() {
    return problems;
  }
}

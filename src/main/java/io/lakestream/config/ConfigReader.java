package io.lakestream.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Typed access to a {@link RawConfig} that records every problem instead of stopping at the first,
 * so the user sees all bad keys in one {@link ConfigException}. A getter that hits a problem
 * returns empty.
 */
final class ConfigReader {

  /** A SQL identifier, as catalog names, rule names and column names must be. */
  static final java.util.regex.Pattern IDENTIFIER =
      java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final RawConfig raw;
  private final List<String> problems = new ArrayList<>();

  ConfigReader(RawConfig raw) {
    this.raw = raw;
    problems.addAll(raw.problems());
    for (ConfigKey key : raw.emptiedDefaults()) {
      invalid(
          key.name(),
          raw.explicit(key).orElseThrow(),
          "empty (remove the key to use its default, " + key.defaultValue().orElseThrow() + ")",
          key.allowed());
    }
  }

  /** Whether the key was set (in the file, by --set or --conf), not left to its default. */
  boolean isExplicit(ConfigKey key) {
    return raw.explicit(key).filter(value -> value.source() != ConfigSource.DEFAULT).isPresent();
  }

  Optional<String> optional(ConfigKey key) {
    return raw.get(key).map(RawConfig.Value::text);
  }

  Optional<String> required(ConfigKey key, String when) {
    Optional<String> value = optional(key);
    if (value.isEmpty()) {
      problem(
          "missing required key '"
              + key.name()
              + "'"
              + when
              + ": "
              + key.description()
              + " Allowed: "
              + key.allowed()
              + ". Set it in the properties file, with --set "
              + key.name()
              + "=..., or with --conf "
              + key.sparkConfName()
              + "=....");
    }
    return value;
  }

  /**
   * Parses a key with {@code parser}; an {@link IllegalArgumentException} becomes a problem naming
   * the key.
   */
  <T> Optional<T> parsed(ConfigKey key, Function<String, T> parser) {
    Optional<RawConfig.Value> value = raw.get(key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parser.apply(value.get().text()));
    } catch (IllegalArgumentException e) {
      invalid(key, e.getMessage());
      return Optional.empty();
    }
  }

  OptionalInt positiveInt(ConfigKey key) {
    Optional<Integer> number = parsed(key, ConfigReader::positiveInt);
    return number.map(OptionalInt::of).orElse(OptionalInt.empty());
  }

  Optional<Boolean> bool(ConfigKey key) {
    return parsed(key, ConfigReader::bool);
  }

  OptionalLong positiveSize(ConfigKey key) {
    Optional<Long> size = parsed(key, ConfigReader::positiveSize);
    return size.map(OptionalLong::of).orElse(OptionalLong.empty());
  }

  Optional<java.time.Duration> duration(ConfigKey key) {
    return parsed(key, Durations::parse);
  }

  /** One of an enum's constants, named case-insensitively. */
  <E extends Enum<E>> Optional<E> choice(ConfigKey key, Class<E> type) {
    return parsed(key, text -> choice(text, type));
  }

  // The typed value of a key with a declared default. Its default is written once, as text, in
  // ConfigKeys, and parsed by the same rule as a value that was set: no typed copy of it lives in
  // the code that reads the key. An invalid value is recorded as a problem (the configuration is
  // then refused) and the default stands in for it meanwhile, so the reading goes on and reports
  // every problem at once.

  String textOrDefault(ConfigKey key) {
    return optional(key).orElseGet(() -> declaredDefault(key));
  }

  int positiveIntOrDefault(ConfigKey key) {
    return parsedOrDefault(key, ConfigReader::positiveInt);
  }

  /** A positive whole number, or {@code auto}: empty then. */
  java.util.OptionalInt positiveIntOrAuto(ConfigKey key) {
    return parsedOrDefault(
        key,
        text ->
            text.strip().equalsIgnoreCase("auto")
                ? java.util.OptionalInt.empty()
                : java.util.OptionalInt.of(positiveIntOrAutoValue(text)));
  }

  private static int positiveIntOrAutoValue(String text) {
    try {
      return positiveInt(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("neither auto nor a positive whole number");
    }
  }

  boolean boolOrDefault(ConfigKey key) {
    return parsedOrDefault(key, ConfigReader::bool);
  }

  java.time.Duration durationOrDefault(ConfigKey key) {
    return parsedOrDefault(key, Durations::parse);
  }

  <E extends Enum<E>> E choiceOrDefault(ConfigKey key, Class<E> type) {
    return parsedOrDefault(key, text -> choice(text, type));
  }

  /** A duration greater than zero. */
  Optional<java.time.Duration> positiveDuration(ConfigKey key) {
    return parsed(key, ConfigReader::parsePositiveDuration);
  }

  java.time.Duration positiveDurationOrDefault(ConfigKey key) {
    return parsedOrDefault(key, ConfigReader::parsePositiveDuration);
  }

  /** A duration key that also takes {@code off}: empty then. */
  Optional<java.time.Duration> durationOrOff(ConfigKey key) {
    if (optional(key).map(text -> text.strip().equalsIgnoreCase("off")).orElse(false)) {
      return Optional.empty();
    }
    return duration(key);
  }

  /** A SQL identifier: letters, digits and _, not starting with a digit. */
  Optional<String> identifier(ConfigKey key) {
    return parsed(key, ConfigReader::identifier);
  }

  String identifierOrDefault(ConfigKey key) {
    return parsedOrDefault(key, ConfigReader::identifier);
  }

  /** A size greater than zero, or {@code off}: empty then. */
  java.util.OptionalLong positiveSizeOrOff(ConfigKey key) {
    return parsedOrDefault(
        key,
        text ->
            text.strip().equalsIgnoreCase("off")
                ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(positiveSize(text)));
  }

  long positiveSizeOrDefault(ConfigKey key) {
    return parsedOrDefault(key, ConfigReader::positiveSize);
  }

  private static java.time.Duration parsePositiveDuration(String text) {
    java.time.Duration duration = Durations.parse(text);
    if (duration.isZero()) {
      throw new IllegalArgumentException("must be greater than zero");
    }
    return duration;
  }

  private static String identifier(String text) {
    if (!IDENTIFIER.matcher(text).matches()) {
      throw new IllegalArgumentException("not an identifier (letters, digits and _)");
    }
    return text;
  }

  private static long positiveSize(String text) {
    long bytes = ByteSizes.parse(text);
    if (bytes <= 0) {
      throw new IllegalArgumentException("a size must be greater than zero");
    }
    return bytes;
  }

  /** The first line of a parser's message, which is all a configuration problem needs. */
  static String firstLine(String message) {
    if (message == null) {
      return "unparseable";
    }
    return message.strip().lines().findFirst().orElse("unparseable");
  }

  private static int positiveInt(String text) {
    try {
      int parsed = Integer.parseInt(text);
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("not a positive whole number");
  }

  private static boolean bool(String text) {
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new IllegalArgumentException("not true or false");
  }

  static <E extends Enum<E>> E choice(String text, Class<E> type) {
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(text)) {
        return constant;
      }
    }
    throw new IllegalArgumentException("unknown value");
  }

  /**
   * {@code parsed} for a key with a declared default: the default, parsed the same way, if the
   * value is bad.
   */
  <T> T parsedOrDefault(ConfigKey key, Function<String, T> parser) {
    return parsed(key, parser).orElseGet(() -> parser.apply(declaredDefault(key)));
  }

  private static String declaredDefault(ConfigKey key) {
    return key.defaultValue()
        .orElseThrow(() -> new IllegalStateException(key.name() + " declares no default"));
  }

  /**
   * Records that a key's value is not allowed, naming the key, the value, its source and the rule.
   */
  void invalid(ConfigKey key, String why) {
    RawConfig.Value value = raw.get(key).orElse(new RawConfig.Value("", ConfigSource.DEFAULT));
    invalid(key.name(), value, why, key.allowed());
  }

  void invalid(String name, RawConfig.Value value, String why, String allowed) {
    problem(
        name
            + " = '"
            + value.text()
            + "' (from "
            + value.source().label()
            + ") is not allowed: "
            + why
            + ". Allowed: "
            + allowed
            + ".");
  }

  void problem(String message) {
    problems.add(message);
  }

  /** Throws one {@link ConfigException} holding every problem recorded so far, if any. */
  void throwIfProblems() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }
}

package io.lakestream.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written as a whole number and a unit, e.g. {@code 500ms}, {@code 10s}, {@code 30 min}. */
public final class Durations {

  public static final String ALLOWED = "a whole number with a unit ms, s, m/min, h or d (e.g. 10s, 30min)";

  private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*([a-z]+)");
  private static final Map<String, Duration> UNITS =
      Map.ofEntries(
          Map.entry("ms", Duration.ofMillis(1)),
          Map.entry("s", Duration.ofSeconds(1)),
          Map.entry("sec", Duration.ofSeconds(1)),
          Map.entry("second", Duration.ofSeconds(1)),
          Map.entry("seconds", Duration.ofSeconds(1)),
          Map.entry("m", Duration.ofMinutes(1)),
          Map.entry("min", Duration.ofMinutes(1)),
          Map.entry("minute", Duration.ofMinutes(1)),
          Map.entry("minutes", Duration.ofMinutes(1)),
          Map.entry("h", Duration.ofHours(1)),
          Map.entry("hour", Duration.ofHours(1)),
          Map.entry("hours", Duration.ofHours(1)),
          Map.entry("d", Duration.ofDays(1)),
          Map.entry("day", Duration.ofDays(1)),
          Map.entry("days", Duration.ofDays(1)));

  private Durations() {}

  /** @throws IllegalArgumentException if the text is not a number followed by a known unit */
  public static Duration parse(String text) {
    Matcher matcher = FORMAT.matcher(text.trim().toLowerCase(Locale.ROOT));
    Duration unit = matcher.matches() ? UNITS.get(matcher.group(2)) : null;
    if (unit == null) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; allowed: " + ALLOWED);
    }
    try {
      return unit.multipliedBy(Long.parseLong(matcher.group(1)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large a duration");
    }
  }

  /** The same duration in Spark's interval syntax (watermark delays, window sizes), e.g. "30 minutes". */
  public static String sparkInterval(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 3_600_000 == 0 && millis > 0) {
      return millis / 3_600_000 + " hours";
    }
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + " minutes";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + " seconds";
    }
    return millis + " milliseconds";
  }

  /** The shortest exact form, e.g. 90s, 30min, 2h; what Spark's interval strings accept too. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 86_400_000 == 0 && millis > 0) {
      return millis / 86_400_000 + "d";
    }
    if (millis % 3_600_000 == 0 && millis > 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "min";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }
}

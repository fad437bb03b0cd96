package io.lakestream.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations written as a whole number and a unit, e.g. {@code 500ms}, {@code 10s}, {@code 30
 * min}.
 */
public final class Durations {

  public static final String ALLOWED =
      "a whole number with a unit ms, s, m/min, h or d (e.g. 10s, 30min)";

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

  /**
   * @throws IllegalArgumentException if the text is not a number followed by a known unit; the
   *     message does not repeat {@link #ALLOWED}, which the caller's "Allowed:" already says
   */
  public static Duration parse(String text) {
    Matcher matcher = FORMAT.matcher(text.trim().toLowerCase(Locale.ROOT));
    Duration unit = matcher.matches() ? UNITS.get(matcher.group(2)) : null;
    if (unit == null) {
      throw new IllegalArgumentException("'" + text + "' is not a duration");
    }
    try {
      return unit.multipliedBy(Long.parseLong(matcher.group(1)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large a duration");
    }
  }

  private static final long[] UNIT_MILLIS = {86_400_000, 3_600_000, 60_000, 1000, 1};
  private static final String[] SHORT_NAMES = {"d", "h", "min", "s", "ms"};
  private static final String[] SPARK_NAMES = {
    " days", " hours", " minutes", " seconds", " milliseconds"
  };

  /**
   * The same duration in Spark's interval syntax (watermark delays, window sizes), e.g. "30
   * minutes".
   */
  public static String sparkInterval(Duration duration) {
    return inLargestExactUnit(duration, SPARK_NAMES);
  }

  /** The shortest exact form, e.g. 90s, 30min, 2h: what {@link #parse} reads back. */
  public static String format(Duration duration) {
    return inLargestExactUnit(duration, SHORT_NAMES);
  }

  private static String inLargestExactUnit(Duration duration, String[] unitNames) {
    long millis = duration.toMillis();
    for (int i = 0; i < UNIT_MILLIS.length; i++) {
      if (millis % UNIT_MILLIS[i] == 0 && (millis > 0 || i == UNIT_MILLIS.length - 2)) {
        return millis / UNIT_MILLIS[i] + unitNames[i];
      }
    }
    throw new IllegalStateException(
        "unreachable: every whole number of milliseconds is exact in ms");
  }
}

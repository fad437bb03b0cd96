package io.lakestream.config;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes sizes: parses such as {@code 512k}, {@code 128m}, {@code 1g}, {@code 64MB}
 * (binary units) or plain bytes.
 */
public final class ByteSizes {

  public static final String ALLOWED =
      "a whole number of bytes, optionally with k, m, g or t (e.g. 128m)";

  private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?");
  private static final Map<String, Integer> SHIFT =
      Map.of("", 0, "k", 10, "m", 20, "g", 30, "t", 40);

  private ByteSizes() {}

  /**
   * @throws IllegalArgumentException if the text is not a size
   */
  public static long parse(String text) {
    Matcher matcher = FORMAT.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size");
    }
    try {
      long number = Long.parseLong(matcher.group(1));
      int shift = SHIFT.get(matcher.group(2));
      if (number > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return number << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large a size");
    }
  }

  /** For people: {@code 512 B}, {@code 1.5 KB}, {@code 3.2 GB} (binary units). */
  public static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}

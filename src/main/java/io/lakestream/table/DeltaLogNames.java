package io.lakestream.table;

import java.util.Locale;
import java.util.OptionalLong;
import org.apache.hadoop.fs.Path;

/**
 * The names Delta gives a version's files in a table's {@code _delta_log} (its {@code FileNames}),
 * as written for a table without v2 checkpoints: a 20-digit version, then what the file holds.
 */
public final class DeltaLogNames {

  /** The folder under a table's root that holds its log. */
  public static final String LOG_FOLDER = "_delta_log";

  private static final int DIGITS = 20;
  private static final String COMMIT_SUFFIX = ".json";

  private DeltaLogNames() {}

  /** The 20 digits every file of {@code version} starts with. */
  public static String prefix(long version) {
    return String.format(Locale.ROOT, "%020d", version);
  }

  public static String commit(long version) {
    return prefix(version) + COMMIT_SUFFIX;
  }

  /** The JSON file of commit {@code version} of the table in {@code tableFolder}. */
  public static Path commitFile(String tableFolder, long version) {
    return new Path(new Path(tableFolder, LOG_FOLDER), commit(version));
  }

  public static String checksum(long version) {
    return prefix(version) + ".crc";
  }

  public static String checkpoint(long version) {
    return prefix(version) + ".checkpoint.parquet";
  }

  /** The version a log file name starts with (commit, checksum, checkpoint), if it does. */
  public static OptionalLong version(String name) {
    if (name.length() < DIGITS) {
      return OptionalLong.empty();
    }
    for (int i = 0; i < DIGITS; i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(Long.parseLong(name.substring(0, DIGITS)));
  }

  /** The version of a commit file's name; empty for any other file of the log. */
  public static OptionalLong commitVersion(String name) {
    return name.length() == DIGITS + COMMIT_SUFFIX.length() && name.endsWith(COMMIT_SUFFIX)
        ? version(name)
        : OptionalLong.empty();
  }
}

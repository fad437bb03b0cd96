package io.lakestream.config;

/**
 * The one place SQL text is quoted, so every statement lakestream builds escapes names and strings
 * alike.
 */
public final class SqlText {

  private SqlText() {}

  /** A back-quoted identifier: {@code my`table} becomes {@code `my``table`}. */
  public static String identifier(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /**
   * A single-quoted string literal; backslashes and quotes escaped, as Spark's parser unescapes
   * them.
   */
  public static String literal(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}

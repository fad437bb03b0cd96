package io.lakestream.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The documentation of every key, written from the declarations in {@link ConfigKeys}: the key list
 * {@code --help} prints and the README's configuration table, which a test compares with the README
 * whole. To change a key's text, change its declaration, then paste {@link #markdownTable()} (run
 * this class's {@code main}) into the README.
 */
public final class ConfigKeyDocs {

  /** The header row of the README's configuration table. */
  public static final String TABLE_HEADER = "| key | default | allowed / meaning |";

  private ConfigKeyDocs() {}

  /** Every key, with the expectation family after the last other quality key. */
  static List<ConfigKey> documented() {
    List<ConfigKey> keys = new ArrayList<>(ConfigKeys.ALL);
    int lastQualityKey = 0;
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).name().startsWith("quality.")) {
        lastQualityKey = i;
      }
    }
    keys.add(lastQualityKey + 1, ConfigKeys.EXPECTATION);
    return keys;
  }

  /** The keys as {@code --help} lists them: name, default, what is allowed and what it does. */
  public static String helpText() {
    StringBuilder text = new StringBuilder();
    for (ConfigKey key : documented()) {
      text.append("  ").append(key.name());
      key.defaultValue().ifPresent(value -> text.append(" (default: ").append(value).append(')'));
      text.append("\n      allowed: ").append(key.allowed());
      text.append("\n      ").append(key.description()).append('\n');
    }
    return text.toString();
  }

  /** The README's configuration table, header included, one line per row. */
  public static String markdownTable() {
    StringBuilder table = new StringBuilder(TABLE_HEADER).append('\n');
    table.append("|-----|---------|-------------------|\n");
    for (ConfigKey key : documented()) {
      table
          .append("| `")
          .append(key.name())
          .append("` | ")
          .append(key.defaultValue().map(value -> "`" + value + "`").orElse("—"))
          .append(" | ")
          .append(cell(key.description() + " Allowed: " + key.allowed() + "."))
          .append(" |\n");
    }
    return table.toString();
  }

  /** Plain text as a Markdown table cell: a pipe would end the cell, a '<' start an HTML tag. */
  private static String cell(String text) {
    return text.replace("|", "\\|").replace("<", "&lt;");
  }

  /** Prints the README's configuration table, to paste after changing a declaration. */
  public static void main(String[] args) {
    System.out.print(markdownTable());
  }
}

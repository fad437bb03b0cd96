package io.lakestream.config;

import java.nio.file.Paths;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;

/**
 * The volume's folders, as absolute paths or URIs. Relative local paths are resolved against the
 * working directory once, at start-up, so every checkpoint keeps pointing at the same place.
 */
public record VolumeLayout(
    String root, String landing, String archive, String checkpoints, String tables) {

  private static final Pattern HAS_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");

  /** Checkpoint folder of one query: {@code <checkpoints>/<queryName>}. */
  public String checkpointFor(String queryName) {
    return child(checkpoints, queryName);
  }

  /** Folder of a Delta table in local catalog mode: {@code <tables>/<tableName>}. */
  public String tableFolder(String tableName) {
    return child(tables, tableName);
  }

  static String child(String parent, String name) {
    return new Path(new Path(parent), name).toString();
  }

  /**
   * Makes a configured path absolute: URIs and absolute paths stay, relative local paths are
   * resolved.
   */
  static String normalize(String path) {
    if (HAS_SCHEME.matcher(path).matches()) {
      return new Path(path).toString();
    }
    if (path.startsWith("/")) {
      return new Path(path).toString();
    }
    return Paths.get(path).toAbsolutePath().normalize().toString();
  }

  /** True if {@code candidate} is {@code folder} itself or lies anywhere below it. */
  static boolean isInside(String candidate, String folder) {
    Path parent = new Path(folder);
    for (Path current = new Path(candidate); current != null; current = current.getParent()) {
      if (current.equals(parent)) {
        return true;
      }
    }
    return false;
  }
}

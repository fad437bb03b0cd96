package io.lakestream.config;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  static VolumeLayout read(ConfigReader reader, CatalogSettings catalog) {
    Optional<String> root = reader.optional(ConfigKeys.VOLUME_ROOT);
    if (root.isEmpty() && catalog.mode() == CatalogSettings.Mode.UNITY) {
      if (catalog.catalog().isPresent() && catalog.volume().isPresent()) {
        root =
            Optional.of(
                "/Volumes/"
                    + catalog.catalog().get()
                    + "/"
                    + catalog.schema()
                    + "/"
                    + catalog.volume().get());
      }
    } else if (root.isEmpty()) {
      root = reader.required(ConfigKeys.VOLUME_ROOT, " when catalog.mode=local");
    }
    if (root.isEmpty()) {
      return null;
    }
    String base = VolumeLayout.normalize(root.get());
    Map<ConfigKey, String> folders = new LinkedHashMap<>();
    folders.put(ConfigKeys.LANDING_DIR, "landing");
    folders.put(ConfigKeys.ARCHIVE_DIR, "archive");
    folders.put(ConfigKeys.CHECKPOINTS_DIR, "checkpoints");
    folders.put(ConfigKeys.TABLES_DIR, "tables");
    List<String> resolved = new ArrayList<>();
    folders.forEach(
        (key, defaultName) ->
            resolved.add(
                reader
                    .optional(key)
                    .map(VolumeLayout::normalize)
                    .orElse(VolumeLayout.child(base, defaultName))));
    VolumeLayout layout =
        new VolumeLayout(base, resolved.get(0), resolved.get(1), resolved.get(2), resolved.get(3));

    // Spark's file source lists the landing folder recursively: anything written below it is read
    // back.
    List<ConfigKey> keys = List.copyOf(folders.keySet());
    for (int i = 1; i < keys.size(); i++) {
      if (VolumeLayout.isInside(resolved.get(i), layout.landing())) {
        reader.invalid(
            keys.get(i),
            "'"
                + resolved.get(i)
                + "' is inside volume.landing '"
                + layout.landing()
                + "', so the pipeline would ingest its own output");
      } else if (VolumeLayout.isInside(layout.landing(), resolved.get(i))) {
        reader.invalid(
            keys.get(i),
            "'"
                + resolved.get(i)
                + "' contains volume.landing '"
                + layout.landing()
                + "'; the two folders must be separate");
      }
    }
    return layout;
  }
}

package io.lakestream.archive;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.hadoop.fs.Path;

/**
 * Where an ingested file goes: the archive root plus the file's path relative to the landing root,
 * so sub-folders are kept. The relative path is found by walking the file's parent folders up to
 * the landing root, never by editing strings, so names with spaces, {@code %} or the landing
 * folder's own name inside them map correctly and the result is always inside the archive root.
 *
 * <p>Both roots and every file must be fully qualified (scheme and authority), as Spark's file
 * source records them.
 */
public final class ArchivePaths {

  private final Path landingRoot;
  private final Path archiveRoot;

  public ArchivePaths(Path landingRoot, Path archiveRoot) {
    this.landingRoot = landingRoot;
    this.archiveRoot = archiveRoot;
  }

  /**
   * The archive path of {@code file}.
   *
   * @throws IllegalArgumentException if the file is not below the landing root
   */
  public Path destinationOf(Path file) {
    Deque<String> names = new ArrayDeque<>();
    Path folder = withoutSchemeAndAuthority(landingRoot);
    boolean sameFileSystem = sameFileSystem(file, landingRoot);
    for (Path current = withoutSchemeAndAuthority(file);
        current != null;
        current = current.getParent()) {
      if (sameFileSystem && current.equals(folder)) {
        Path destination = archiveRoot;
        for (String name : names) {
          destination = new Path(destination, new Path(null, null, name));
        }
        return destination;
      }
      names.push(current.getName());
    }
    throw new IllegalArgumentException(file + " is not inside the landing folder " + landingRoot);
  }

  /**
   * {@code destination} itself if {@code taken} says it is free, otherwise the first free {@code
   * <stem>~<n><extension>} beside it ({@code a.json}, {@code a~1.json}, {@code a~2.json} ...).
   */
  public static Path firstFree(Path destination, Predicate<Path> taken) {
    if (!taken.test(destination)) {
      return destination;
    }
    String name = destination.getName();
    int dot = name.indexOf('.', 1);
    String stem = dot < 0 ? name : name.substring(0, dot);
    String extension = dot < 0 ? "" : name.substring(dot);
    for (int n = 1; ; n++) {
      Path candidate =
          new Path(destination.getParent(), new Path(null, null, stem + "~" + n + extension));
      if (!taken.test(candidate)) {
        return candidate;
      }
    }
  }

  /**
   * One spelling per file: {@code file:///a} and {@code file:/a} become {@code file:/a}, the form
   * Spark's {@code _metadata.file_path} (and so {@code bronze_events._source_file}) uses.
   */
  public static Path canonical(Path path) {
    java.net.URI uri = path.toUri();
    return new Path(uri.getScheme(), emptyToNull(uri.getAuthority()), uri.getPath());
  }

  private static Path withoutSchemeAndAuthority(Path path) {
    return Path.getPathWithoutSchemeAndAuthority(path);
  }

  private static boolean sameFileSystem(Path a, Path b) {
    return Objects.equals(a.toUri().getScheme(), b.toUri().getScheme())
        && Objects.equals(
            emptyToNull(a.toUri().getAuthority()), emptyToNull(b.toUri().getAuthority()));
  }

  private static String emptyToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }
}

package io.lakestream.table;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The names in a local Delta log folder at or after a given name, without reading the whole folder
 * each time.
 *
 * <p>A table's log keeps every commit's JSON and checksum for {@code delta.logRetentionDuration}: a
 * batch a second makes it millions of entries within weeks, and reading a folder's names costs time
 * in proportion to all of them, though Delta asks for the few since its last checkpoint before
 * every transaction and snapshot update. So the names of the newest versions are remembered per
 * folder, and a listing from a remembered version checks by name (a {@code stat} each) what may
 * have come since: each later version's commit until the first that is missing (versions are
 * consecutive), and the checksum and checkpoint of every version from the start that lacks them. A
 * file deleted since is found missing when its status is read. Other names (a multi-part or
 * UUID-named checkpoint, a compacted log, {@code _last_checkpoint}) are seen by the folder's full
 * read: the first listing, one from a version not remembered (Delta's log clean-up lists from
 * version 0), and one every {@link #FULL_READ_EVERY_NANOS}. Delta writes none of them to
 * lakestream's tables by default, and one missed is a detour, not a wrong table: without a
 * compacted log Delta reads the commits, without a newer checkpoint it starts from the one before
 * (its own recovery for a missing checkpoint).
 */
final class LogFolderNames {

  /** Versions remembered below the newest: many times the log's checkpoint interval. */
  static final long VERSIONS_KEPT = 10_000;

  static final long FULL_READ_EVERY_NANOS = TimeUnit.MINUTES.toNanos(10);

  private static final Map<File, LogFolderNames> FOLDERS = new ConcurrentHashMap<>();

  private final File folder;
  private final LongSupplier nanoClock;
  private final long versionsKept;
  private final TreeSet<String> names = new TreeSet<>();

  /** The lowest version whose names are all known (as of the last full read, or checked since). */
  private long knownFrom = Long.MAX_VALUE;

  private long newestVersion = -1;
  private long fullReadAtNanos;

  LogFolderNames(File folder, LongSupplier nanoClock, long versionsKept) {
    this.folder = folder;
    this.nanoClock = nanoClock;
    this.versionsKept = versionsKept;
  }

  /**
   * The names at or after {@code from} in the folder, in order, as this JVM's stores last knew and
   * checked them.
   */
  static Iterator<String> of(File folder, String from) throws IOException {
    return FOLDERS
        .computeIfAbsent(
            folder.getAbsoluteFile(), f -> new LogFolderNames(f, System::nanoTime, VERSIONS_KEPT))
        .from(from);
  }

  synchronized Iterator<String> from(String from) throws IOException {
    OptionalLong version = version(from);
    if (version.isEmpty()
        || version.getAsLong() < knownFrom
        || nanoClock.getAsLong() - fullReadAtNanos > FULL_READ_EVERY_NANOS) {
      return readAll(from);
    }
    if (!folder.isDirectory()) {
      // Dropped since (a rebuild deletes a table's folder): not found, as Delta's stores say.
      forget();
      throw new FileNotFoundException("No such file or directory: " + folder);
    }
    checkSince(version.getAsLong());
    return new ArrayList<>(names.tailSet(from, true)).iterator();
  }

  /**
   * Reads the folder's names, remembers the newest versions', and returns those at or after {@code
   * from}: sorted as they are taken (a listing from version 0 is read only up to the first
   * unexpired file by Delta's clean-up, of millions).
   */
  private Iterator<String> readAll(String from) throws IOException {
    names.clear();
    newestVersion = -1;
    List<String> atOrAfter = new ArrayList<>();
    // One pass, holding only the newest versions' names (and the caller's): a month-old log has
    // millions.
    try (DirectoryStream<java.nio.file.Path> entries = Files.newDirectoryStream(folder.toPath())) {
      for (java.nio.file.Path entry : entries) {
        String name = entry.getFileName().toString();
        OptionalLong version = version(name);
        if (version.isPresent()) {
          newestVersion = Math.max(newestVersion, version.getAsLong());
        }
        if (version.isEmpty() || version.getAsLong() >= newestVersion - versionsKept) {
          names.add(name);
          if (names.size() > 4 * versionsKept + 100) {
            forgetBefore(newestVersion - versionsKept);
          }
        }
        if (name.compareTo(from) >= 0) {
          atOrAfter.add(name);
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      forget();
      throw new FileNotFoundException("No such file or directory: " + folder);
    }
    knownFrom = Math.max(0, newestVersion - versionsKept);
    forgetBefore(knownFrom);
    fullReadAtNanos = nanoClock.getAsLong();
    PriorityQueue<String> sorted = new PriorityQueue<>(atOrAfter);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return !sorted.isEmpty();
      }

      @Override
      public String next() {
        if (sorted.isEmpty()) {
          throw new NoSuchElementException();
        }
        return sorted.poll();
      }
    };
  }

  private void checkSince(long fromVersion) {
    for (long v = fromVersion; v <= newestVersion; v++) {
      addIfPresent(FileNames.checksum(v));
      addIfPresent(FileNames.checkpoint(v));
    }
    while (addIfPresent(FileNames.commit(newestVersion + 1))) {
      newestVersion++;
      addIfPresent(FileNames.checksum(newestVersion));
      addIfPresent(FileNames.checkpoint(newestVersion));
    }
    long keepFrom = newestVersion - versionsKept;
    if (keepFrom > knownFrom) {
      forgetBefore(keepFrom);
      knownFrom = keepFrom;
    }
  }

  /** Nothing known: the next listing reads the folder. */
  private void forget() {
    names.clear();
    newestVersion = -1;
    knownFrom = Long.MAX_VALUE;
  }

  /** Forgets the names of versions before this one (and names that sort before every version). */
  private void forgetBefore(long version) {
    names.headSet(FileNames.prefix(Math.max(0, version)), false).clear();
  }

  /** How many names this folder's memory holds. */
  synchronized int remembered() {
    return names.size();
  }

  private boolean addIfPresent(String name) {
    if (names.contains(name)) {
      return true;
    }
    if (new File(folder, name).exists()) {
      names.add(name);
      return true;
    }
    return false;
  }

  /** The version a log file name starts with (20 digits), if it does. */
  static OptionalLong version(String name) {
    if (name.length() < 20) {
      return OptionalLong.empty();
    }
    for (int i = 0; i < 20; i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(Long.parseLong(name.substring(0, 20)));
  }

  /**
   * Delta's names for a version's files (its FileNames), as written for a table without v2
   * checkpoints.
   */
  private static final class FileNames {
    static String prefix(long version) {
      return String.format("%020d", version);
    }

    static String commit(long version) {
      return prefix(version) + ".json";
    }

    static String checksum(long version) {
      return prefix(version) + ".crc";
    }

    static String checkpoint(long version) {
      return prefix(version) + ".checkpoint.parquet";
    }
  }
}

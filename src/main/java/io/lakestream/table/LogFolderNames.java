package io.lakestream.table;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.function.LongFunction;
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
 * read: the first listing and one every {@link #FULL_READ_EVERY_NANOS}. Delta writes none of them
 * to lakestream's tables by default, and one missed is a detour, not a wrong table: without a
 * compacted log Delta reads the commits, without a newer checkpoint it starts from the one before
 * (its own recovery for a missing checkpoint), and its log clean-up deletes only files it was
 * listed.
 *
 * <p>A listing from a version older than the remembered ones is Delta's log clean-up (after each
 * checkpoint it lists from version 0 and stops at the first checkpoint whose versions it keeps): it
 * is answered by name too, version by version from the oldest one the log still holds, so it costs
 * what expired since the last clean-up, not the whole log. A caller that reads on past {@code
 * versionsKept} versions (a reader catching up from an old version) gets the rest from a full read.
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

  /** The oldest version the log held at the last full read, moved on as older ones go. */
  private long oldestVersion = Long.MAX_VALUE;

  private long fullReadAtNanos;

  /** A version's files that can be checked by name, in the order their names sort. */
  private static final List<LongFunction<String>> FILES_OF_A_VERSION =
      List.of(DeltaLogNames::checkpoint, DeltaLogNames::checksum, DeltaLogNames::commit);

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

  /**
   * Remembers only {@code versionsKept} versions of this folder's log: a test reaches a log longer
   * than the remembered versions with a few dozen commits.
   */
  static void keepVersions(File folder, long versionsKept) {
    FOLDERS.put(
        folder.getAbsoluteFile(),
        new LogFolderNames(folder.getAbsoluteFile(), System::nanoTime, versionsKept));
  }

  synchronized Iterator<String> from(String from) throws IOException {
    OptionalLong version = DeltaLogNames.version(from);
    if (version.isEmpty()
        || knownFrom == Long.MAX_VALUE
        || nanoClock.getAsLong() - fullReadAtNanos > FULL_READ_EVERY_NANOS) {
      return readAll(from);
    }
    if (!folder.isDirectory()) {
      // Dropped since (a rebuild deletes a table's folder): not found, as Delta's stores say.
      forget();
      throw new FileNotFoundException("No such file or directory: " + folder);
    }
    long fromVersion = version.getAsLong();
    // From an older version (the clean-up), only what came after the newest: the checksums and
    // checkpoints of the remembered versions are checked by the next listing from one of them.
    checkSince(fromVersion >= knownFrom ? fromVersion : newestVersion);
    Iterator<String> remembered = new ArrayList<>(names.tailSet(from, true)).iterator();
    return fromVersion >= knownFrom ? remembered : olderThanRemembered(from, remembered);
  }

  /**
   * The names at or after {@code from}, a name of a version older than the remembered ones: those
   * of the older versions checked by name as the caller comes to them, then the remembered ones.
   */
  private Iterator<String> olderThanRemembered(String from, Iterator<String> remembered)
      throws IOException {
    long fromVersion = DeltaLogNames.version(from).orElseThrow();
    long start = Math.max(fromVersion, oldestVersion);
    // The versions deleted since the last look (the clean-up's own, last time): passed once.
    long gone = 0;
    while (start < knownFrom && !anyFileOf(start)) {
      if (++gone > versionsKept) {
        return readAll(from);
      }
      start++;
    }
    if (fromVersion <= oldestVersion) {
      oldestVersion = start;
    }
    return new OlderVersions(from, start, knownFrom, remembered);
  }

  private boolean anyFileOf(long version) {
    for (LongFunction<String> file : FILES_OF_A_VERSION) {
      if (new File(folder, file.apply(version)).exists()) {
        return true;
      }
    }
    return false;
  }

  /** The full read, for an iterator that reads on past the versions it checks by name. */
  private synchronized Iterator<String> readAllFrom(String from) {
    try {
      return readAll(from);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Names of versions {@code start} up to {@code end} (excluded) that exist, checked by name as
   * they are taken, then {@code after}; past {@code versionsKept} versions checked, the rest of a
   * full read instead.
   */
  private final class OlderVersions implements Iterator<String> {
    private final String from;
    private final long end;
    private Iterator<String> after;
    private long version;
    private int file;
    private long checked;
    private String next;

    OlderVersions(String from, long start, long end, Iterator<String> after) {
      this.from = from;
      this.version = start;
      this.end = end;
      this.after = after;
      this.next = advance();
    }

    private String advance() {
      while (version < end) {
        if (file == FILES_OF_A_VERSION.size()) {
          file = 0;
          version++;
          if (++checked >= versionsKept && version < end) {
            // A reader going on through old versions: one full read beats a stat per file.
            after = readAllFrom(DeltaLogNames.prefix(version));
            version = end;
          }
          continue;
        }
        String name = FILES_OF_A_VERSION.get(file++).apply(version);
        if (name.compareTo(from) >= 0 && new File(folder, name).exists()) {
          return name;
        }
      }
      return after.hasNext() ? after.next() : null;
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public String next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      String current = next;
      next = advance();
      return current;
    }
  }

  /**
   * Reads the folder's names, remembers the newest versions', and returns those at or after {@code
   * from}: sorted as they are taken (a listing from version 0 is read only up to the first
   * unexpired file by Delta's clean-up, of millions).
   */
  private Iterator<String> readAll(String from) throws IOException {
    names.clear();
    newestVersion = -1;
    long oldest = Long.MAX_VALUE;
    List<String> atOrAfter = new ArrayList<>();
    // One pass, holding only the newest versions' names (and the caller's): a month-old log has
    // millions.
    try (DirectoryStream<java.nio.file.Path> entries = Files.newDirectoryStream(folder.toPath())) {
      for (java.nio.file.Path entry : entries) {
        String name = entry.getFileName().toString();
        OptionalLong version = DeltaLogNames.version(name);
        if (version.isPresent()) {
          newestVersion = Math.max(newestVersion, version.getAsLong());
          oldest = Math.min(oldest, version.getAsLong());
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
    oldestVersion = oldest;
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
      addIfPresent(DeltaLogNames.checksum(v));
      addIfPresent(DeltaLogNames.checkpoint(v));
    }
    while (addIfPresent(DeltaLogNames.commit(newestVersion + 1))) {
      newestVersion++;
      addIfPresent(DeltaLogNames.checksum(newestVersion));
      addIfPresent(DeltaLogNames.checkpoint(newestVersion));
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
    oldestVersion = Long.MAX_VALUE;
    knownFrom = Long.MAX_VALUE;
  }

  /** Forgets the names of versions before this one (and names that sort before every version). */
  private void forgetBefore(long version) {
    names.headSet(DeltaLogNames.prefix(Math.max(0, version)), false).clear();
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
}

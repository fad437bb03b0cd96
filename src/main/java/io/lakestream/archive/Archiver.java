package io.lakestream.archive;

import io.lakestream.config.ArchiveMode;
import io.lakestream.config.FaultPoint;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves (or deletes) the files of a micro-batch once the batch's rows are committed, so that no
 * file leaves the landing folder before its data is durable, and no committed file stays behind.
 *
 * <p>Per batch: the files come from the file source's own log ({@link SourceFileLog}); their
 * destinations are saved as an {@link ArchivePlan} in the query's checkpoint before anything moves;
 * then every pending plan (this batch's and any earlier one whose moves failed) is carried out,
 * each move recorded in {@code archive_log}, and finished plans are removed. A crash anywhere is
 * finished by the replay of the same batch: a file already at its destination counts as moved, the
 * log skips rows it already holds.
 */
public final class Archiver {

  /**
   * What the archiving of one batch did; {@code records} are the moves of this pass (empty when
   * read back from a done marker).
   */
  public record Outcome(int archived, int failed, CommittedRows committed, List<Record> records) {
    void write(FileSystem fs, Path file) throws IOException {
      com.fasterxml.jackson.databind.node.ObjectNode node = ArchivePlan.json(committed);
      node.put("archived", archived);
      node.put("failed", failed);
      try (OutputStream out = fs.create(file, true)) {
        out.write(node.toString().getBytes(StandardCharsets.UTF_8));
      }
    }

    static Outcome read(FileSystem fs, Path file) throws IOException {
      try (java.io.InputStream in = fs.open(file)) {
        com.fasterxml.jackson.databind.JsonNode node =
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
        return new Outcome(
            node.path("archived").asInt(),
            node.path("failed").asInt(),
            ArchivePlan.committedRows(node),
            List.of());
      }
    }
  }

  /** A finished move, delete or vanished file, for {@code archive_log}. */
  public record Record(ArchivePlan.Entry entry, String action, Instant at) {}

  public static final String MOVED = "moved";
  public static final String DELETED = "deleted";
  public static final String VANISHED = "vanished";

  static final String STATE_FOLDER = "lakestream-archive";
  // At most 18 digits: a batch id is a long, and a longer run of digits is not a file the archiver
  // wrote.
  private static final Pattern PLAN = Pattern.compile("(\\d{1,18})\\.plan");
  private static final Pattern PLAN_ASIDE = Pattern.compile("\\.(\\d{1,18})\\.plan\\.tmp");
  private static final Pattern DONE = Pattern.compile("(\\d{1,18})\\.done");

  /**
   * Names of stray files already reported, so each is logged once per JVM rather than once per
   * batch.
   */
  private static final Set<String> REPORTED_STRAYS = ConcurrentHashMap.newKeySet();

  private static final Logger LOG = LoggerFactory.getLogger(Archiver.class);

  private final ArchiveMode mode;
  private final Path landingRoot;
  private final Path archiveRoot;
  private final String queryCheckpoint;
  private final FaultPoint haltAt;
  private final ArchiveLog archiveLog;

  public Archiver(
      ArchiveMode mode,
      String landingRoot,
      String archiveRoot,
      String queryCheckpoint,
      FaultPoint haltAt,
      ArchiveLog archiveLog) {
    if (mode != ArchiveMode.MOVE && mode != ArchiveMode.DELETE) {
      throw new IllegalArgumentException("Archiver handles move and delete, not " + mode);
    }
    this.mode = mode;
    this.landingRoot = new Path(landingRoot);
    this.archiveRoot = new Path(archiveRoot);
    this.queryCheckpoint = queryCheckpoint;
    this.haltAt = haltAt;
    this.archiveLog = archiveLog;
  }

  /**
   * Archives batch {@code batchId}'s files and retries earlier failed moves; call after the batch
   * is committed. The outcome's {@code committed} is what the batch's first attempt committed,
   * which a replay that finds some files already moved cannot count again.
   */
  public Outcome archive(Configuration hadoopConf, long batchId, CommittedRows committed) {
    try {
      return archiveOrThrow(hadoopConf, batchId, committed);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Archiving of batch " + batchId + " failed; it is retried when the batch is replayed", e);
    }
  }

  /**
   * The file systems one archiving pass works on: landing, archive, and the checkpoint holding the
   * plans.
   */
  private record Places(
      Configuration conf,
      FileSystem landingFs,
      FileSystem archiveFs,
      FileSystem stateFs,
      Path stateFolder) {}

  private Outcome archiveOrThrow(Configuration hadoopConf, long batchId, CommittedRows committed)
      throws IOException {
    long startedNanos = System.nanoTime();
    Path stateFolder = new Path(queryCheckpoint, STATE_FOLDER);
    FileSystem stateFs = stateFolder.getFileSystem(hadoopConf);
    stateFs.mkdirs(stateFolder);
    Path doneMarker = new Path(stateFolder, batchId + ".done");
    if (stateFs.exists(doneMarker)) {
      LOG.info("Batch {} was archived before this replay", batchId);
      return Outcome.read(stateFs, doneMarker);
    }
    TreeMap<Long, ArchivePlan> pending = pendingPlans(stateFs, stateFolder);
    FileSystem landingFs = landingRoot.getFileSystem(hadoopConf);
    FileSystem archiveFs = archiveRoot.getFileSystem(hadoopConf);
    Places places = new Places(hadoopConf, landingFs, archiveFs, stateFs, stateFolder);
    if (!pending.containsKey(batchId)) {
      List<Path> files = new SourceFileLog(stateFs, queryCheckpoint).filesOf(batchId);
      ArchivePlan plan = plan(batchId, committed, files, landingFs, archiveFs, pending);
      plan.write(stateFs, planFile(stateFolder, batchId));
      pending.put(batchId, plan);
    }
    haltAt.haltIfAt(FaultPoint.BEFORE_MOVE);

    List<Record> done = new ArrayList<>();
    int failed = 0;
    int movedNow = 0;
    for (ArchivePlan plan : List.copyOf(pending.values())) {
      List<ArchivePlan.Entry> remaining = new ArrayList<>();
      List<ArchivePlan.Entry> entries = new ArrayList<>(plan.entries());
      for (int i = 0; i < entries.size(); i++) {
        ArchivePlan.Entry entry = entries.get(i);
        try {
          Record record = carryOut(places, plan, entries, i);
          done.add(record);
          movedNow++;
          if (movedNow == 1 && hasMoreWork(pending, plan, i)) {
            haltAt.haltIfAt(FaultPoint.BETWEEN_MOVES);
          }
        } catch (IOException | RuntimeException e) {
          failed++;
          remaining.add(entries.get(i));
          LOG.warn(
              "Could not archive {} (batch {}): {}; retried with the next batch",
              entry.source(),
              entry.batchId(),
              e.toString());
        }
      }
      pending.put(plan.batchId(), plan.withEntries(remaining));
    }
    archiveLog.append(batchId, done);
    // The marker before the plans go: a replay that found neither would plan again from the source
    // log and take the already moved files for vanished ones.
    Outcome outcome =
        new Outcome(done.size(), failed, pending.get(batchId).committed(), List.copyOf(done));
    outcome.write(stateFs, doneMarker);
    for (ArchivePlan plan : pending.values()) {
      Path file = planFile(stateFolder, plan.batchId());
      if (plan.entries().isEmpty()) {
        stateFs.delete(file, false);
      } else {
        plan.write(stateFs, file);
      }
    }
    removeOlderMarkers(stateFs, stateFolder, batchId);
    if (!done.isEmpty() || failed > 0) {
      LOG.info(
          "Batch {}: {} files archived ({}), {} failed and pending, in {} ms",
          batchId,
          done.size(),
          mode.name().toLowerCase(Locale.ROOT),
          failed,
          (System.nanoTime() - startedNanos) / 1_000_000);
    }
    return outcome;
  }

  private static boolean hasMoreWork(
      TreeMap<Long, ArchivePlan> pending, ArchivePlan plan, int index) {
    return index + 1 < plan.entries().size() || pending.higherKey(plan.batchId()) != null;
  }

  /**
   * Chooses each file's destination, avoiding existing files and destinations other plans reserved.
   */
  private ArchivePlan plan(
      long batchId,
      CommittedRows committed,
      List<Path> files,
      FileSystem landingFs,
      FileSystem archiveFs,
      TreeMap<Long, ArchivePlan> pending)
      throws IOException {
    Set<Path> reserved = new HashSet<>();
    pending
        .values()
        .forEach(plan -> plan.entries().forEach(entry -> reserved.add(entry.destination())));
    ArchivePaths paths =
        new ArchivePaths(
            ArchivePaths.canonical(landingFs.makeQualified(landingRoot)),
            ArchivePaths.canonical(archiveFs.makeQualified(archiveRoot)));
    List<ArchivePlan.Entry> entries = new ArrayList<>();
    for (Path file : files) {
      long size;
      try {
        size = landingFs.getFileStatus(file).getLen();
      } catch (FileNotFoundException e) {
        size = -1;
      }
      Path destination = null;
      if (mode == ArchiveMode.MOVE) {
        destination = freeDestination(paths.destinationOf(file), archiveFs, reserved);
        reserved.add(destination);
      }
      entries.add(new ArchivePlan.Entry(batchId, file, destination, size));
    }
    return new ArchivePlan(batchId, committed, entries);
  }

  private static Path freeDestination(Path wanted, FileSystem archiveFs, Set<Path> reserved) {
    Path free =
        ArchivePaths.firstFree(
            wanted,
            candidate -> {
              try {
                return reserved.contains(candidate) || archiveFs.exists(candidate);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    if (!free.equals(wanted)) {
      LOG.warn("Archive name collision: {} exists, archiving to {} instead", wanted, free);
    }
    return free;
  }

  /**
   * Moves or deletes {@code entries[index]} of {@code plan}, or recognises that an earlier attempt
   * already did. A destination chosen anew (after a collision) is saved into {@code entries} and
   * the plan file first.
   */
  private Record carryOut(
      Places places, ArchivePlan plan, List<ArchivePlan.Entry> entries, int index)
      throws IOException {
    ArchivePlan.Entry entry = entries.get(index);
    FileSystem landingFs = places.landingFs();
    FileSystem archiveFs = places.archiveFs();
    Instant now = Instant.now();
    boolean sourceExists = landingFs.exists(entry.source());
    if (mode == ArchiveMode.DELETE) {
      if (sourceExists && !landingFs.delete(entry.source(), false)) {
        throw new IOException("delete returned false");
      }
      return new Record(entry, DELETED, now);
    }
    if (!sourceExists) {
      if (archiveFs.exists(entry.destination())) {
        return new Record(entry, MOVED, now); // moved by an attempt that crashed before logging it
      }
      LOG.warn(
          "{} (batch {}) left the landing folder before it was archived; recorded as vanished",
          entry.source(),
          entry.batchId());
      return new Record(entry.withDestination(null), VANISHED, now);
    }
    if (archiveFs.exists(entry.destination())) {
      // Something took the planned name since the plan was saved: choose again and save before
      // moving.
      Set<Path> reserved = new HashSet<>();
      entries.forEach(other -> reserved.add(other.destination()));
      ArchivePlan.Entry renamed =
          entry.withDestination(freeDestination(entry.destination(), archiveFs, reserved));
      entries.set(index, renamed);
      plan.withEntries(entries)
          .write(places.stateFs(), planFile(places.stateFolder(), plan.batchId()));
      entry = renamed;
    }
    archiveFs.mkdirs(entry.destination().getParent());
    if (sameFileSystem(landingFs, archiveFs)) {
      if (!landingFs.rename(entry.source(), entry.destination())) {
        throw new IOException("rename to " + entry.destination() + " returned false");
      }
    } else {
      // Across file systems: copy beside the destination, rename into place, then delete the
      // source.
      Path aside =
          new Path(
              entry.destination().getParent(), "." + entry.destination().getName() + ".copying");
      if (!FileUtil.copy(landingFs, entry.source(), archiveFs, aside, false, true, places.conf())
          || !archiveFs.rename(aside, entry.destination())
          || !landingFs.delete(entry.source(), false)) {
        throw new IOException("copy to " + entry.destination() + " failed");
      }
    }
    return new Record(entry, MOVED, now);
  }

  private static boolean sameFileSystem(FileSystem a, FileSystem b) {
    return a.getUri().equals(b.getUri());
  }

  private static Path planFile(Path stateFolder, long batchId) {
    return new Path(stateFolder, batchId + ".plan");
  }

  private static TreeMap<Long, ArchivePlan> pendingPlans(FileSystem fs, Path stateFolder)
      throws IOException {
    TreeMap<Long, ArchivePlan> plans = new TreeMap<>();
    for (FileStatus status : fs.listStatus(stateFolder)) {
      Matcher aside = PLAN_ASIDE.matcher(status.getPath().getName());
      if (aside.matches() && !fs.exists(planFile(stateFolder, Long.parseLong(aside.group(1))))) {
        // A crash between removing a plan and renaming its new version into place: the new version
        // is whole.
        fs.rename(status.getPath(), planFile(stateFolder, Long.parseLong(aside.group(1))));
      }
    }
    for (FileStatus status : fs.listStatus(stateFolder)) {
      Matcher plan = PLAN.matcher(status.getPath().getName());
      if (plan.matches()) {
        long batchId = Long.parseLong(plan.group(1));
        plans.put(batchId, ArchivePlan.read(fs, status.getPath(), batchId));
      } else {
        reportIfStray(status.getPath());
      }
    }
    return plans;
  }

  private static void removeOlderMarkers(FileSystem fs, Path stateFolder, long batchId)
      throws IOException {
    for (FileStatus status : fs.listStatus(stateFolder)) {
      Matcher done = DONE.matcher(status.getPath().getName());
      if (done.matches() && Long.parseLong(done.group(1)) < batchId) {
        fs.delete(status.getPath(), false);
      }
    }
  }

  /**
   * A file the archiver did not write (e.g. copied in by hand) is left alone and named in the log
   * once.
   */
  private static void reportIfStray(Path file) {
    String name = file.getName();
    boolean ours =
        PLAN_ASIDE.matcher(name).matches()
            || DONE.matcher(name).matches()
            || (name.startsWith(".") && name.endsWith(".crc"));
    if (!ours && REPORTED_STRAYS.add(file.toString())) {
      LOG.warn("Ignoring {} in the archive state folder: the archiver did not write it", file);
    }
  }
}

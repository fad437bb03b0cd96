package io.lakestream.archive;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BulkDelete;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archiver's state folder in the query's checkpoint: one {@code <batch>.plan} per batch whose
 * files are not all archived yet, and the {@code <batch>.done} marker of the last batch archived,
 * which holds its outcome for a replay. Nothing else is written there.
 */
final class ArchiveState {

  static final String FOLDER = "lakestream-archive";

  // At most 18 digits: a batch id is a long, and a longer run of digits is not a file the archiver
  // wrote.
  private static final Pattern PLAN = Pattern.compile("(\\d{1,18})\\.plan");

  /** A state file's aside (StateFile), left by a crash while it was written; never read. */
  private static final Pattern ASIDE = Pattern.compile("\\..+\\.tmp");

  private static final Pattern DONE = Pattern.compile("(\\d{1,18})\\.done");

  /**
   * Names of stray files already reported, so each is logged once per JVM rather than once per
   * batch.
   */
  private static final Set<String> REPORTED_STRAYS = ConcurrentHashMap.newKeySet();

  private static final Logger LOG = LoggerFactory.getLogger(ArchiveState.class);

  private final FileSystem fs;
  private final Path folder;

  /** The done markers the last {@link #pendingPlans} listing found. */
  private final List<Path> markersListed = new ArrayList<>();

  private ArchiveState(FileSystem fs, Path folder) {
    this.fs = fs;
    this.folder = folder;
  }

  /** The state folder of the query with this checkpoint, created if missing. */
  static ArchiveState open(Configuration hadoopConf, String queryCheckpoint) throws IOException {
    Path folder = new Path(queryCheckpoint, FOLDER);
    FileSystem fs = folder.getFileSystem(hadoopConf);
    fs.mkdirs(folder);
    return new ArchiveState(fs, folder);
  }

  /** The checkpoint's file system, where the file source's own log lives too. */
  FileSystem fileSystem() {
    return fs;
  }

  /** What archiving batch {@code batchId} did, if it finished before (this is then a replay). */
  Optional<Archiver.Outcome> outcomeOf(long batchId) throws IOException {
    Path marker = doneMarker(batchId);
    return Archiver.Outcome.read(fs, marker);
  }

  /**
   * Records that batch {@code batchId} is archived, with its outcome; before its plan goes, as a
   * replay that found neither would plan again from the source log and take the already moved files
   * for vanished ones.
   */
  void markDone(long batchId, Archiver.Outcome outcome) throws IOException {
    outcome.write(fs, doneMarker(batchId));
  }

  /**
   * The plans not carried out in full, by batch id. A plan that is not whole (an older writer's
   * crash) is removed: its batch is planned again from the source log when replayed.
   */
  TreeMap<Long, ArchivePlan> pendingPlans() throws IOException {
    TreeMap<Long, ArchivePlan> plans = new TreeMap<>();
    markersListed.clear();
    for (FileStatus status : fs.listStatus(folder)) {
      Matcher plan = PLAN.matcher(status.getPath().getName());
      if (plan.matches()) {
        long batchId = Long.parseLong(plan.group(1));
        Optional<ArchivePlan> read = ArchivePlan.read(fs, status.getPath(), batchId);
        if (read.isPresent()) {
          plans.put(batchId, read.get());
        } else {
          fs.delete(status.getPath(), false);
        }
      } else if (DONE.matcher(status.getPath().getName()).matches()) {
        markersListed.add(status.getPath());
      } else {
        reportIfStray(status.getPath());
      }
    }
    return plans;
  }

  /** Saves a plan (replacing its earlier version), or removes it once it has no entry left. */
  void save(ArchivePlan plan) throws IOException {
    Path file = planFile(plan.batchId());
    if (plan.entries().isEmpty()) {
      fs.delete(file, false);
    } else {
      plan.write(fs, file);
    }
  }

  /**
   * The done markers of batches before {@code batchId} that the last {@link #pendingPlans} listed
   * (no second listing: on S3 each is a billed request); no replay can reach them.
   */
  List<Path> markersListedBefore(long batchId) {
    List<Path> before = new ArrayList<>();
    for (Path marker : markersListed) {
      Matcher done = DONE.matcher(marker.getName());
      if (done.matches() && Long.parseLong(done.group(1)) < batchId) {
        before.add(marker);
      }
    }
    markersListed.clear();
    return before;
  }

  /**
   * Removes state files no longer needed (finished plans, old markers); one request for all on a
   * store that deletes in bulk (S3A: one request instead of a probe, a delete and a listing each).
   */
  void remove(List<Path> files) throws IOException {
    if (files.isEmpty()) {
      return;
    }
    if (files.size() == 1
        || !fs.hasPathCapability(folder, CommonPathCapabilities.BULK_DELETE)
        || !Bulk.deleted(fs, folder, files)) {
      for (Path file : files) {
        fs.delete(file, false);
      }
    }
  }

  /**
   * Hadoop 3.4.1's bulk delete, in a class of its own: loaded only where the file system says it
   * has it, so an older Hadoop (a platform's own) never links to it.
   */
  private static final class Bulk {
    static boolean deleted(FileSystem fs, Path folder, List<Path> files) throws IOException {
      try (BulkDelete bulk = fs.createBulkDelete(folder)) {
        if (files.size() > bulk.pageSize()) {
          return false;
        }
        List<Map.Entry<Path, String>> failed = bulk.bulkDelete(files);
        if (!failed.isEmpty()) {
          LOG.debug("Bulk delete left {}; deleting one by one", failed);
        }
        return failed.isEmpty();
      }
    }
  }

  Path planFile(long batchId) {
    return new Path(folder, batchId + ".plan");
  }

  Path doneMarker(long batchId) {
    return new Path(folder, batchId + ".done");
  }

  /**
   * A file the archiver did not write (e.g. copied in by hand) is left alone and named in the log
   * once.
   */
  private static void reportIfStray(Path file) {
    String name = file.getName();
    boolean ours =
        ASIDE.matcher(name).matches()
            || DONE.matcher(name).matches()
            || (name.startsWith(".") && name.endsWith(".crc"));
    if (!ours && REPORTED_STRAYS.add(file.toString())) {
      LOG.warn("Ignoring {} in the archive state folder: the archiver did not write it", file);
    }
  }
}

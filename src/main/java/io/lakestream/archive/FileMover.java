package io.lakestream.archive;

import io.lakestream.config.ArchiveMode;
import io.lakestream.config.FaultPoint;
import io.lakestream.config.HaltAt;
import io.lakestream.fs.HadoopFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one entry of a plan: moves (or deletes) the file, or recognises that an earlier
 * attempt already did. Safe to repeat: a file found at its destination counts as moved.
 */
final class FileMover {

  private static final Logger LOG = LoggerFactory.getLogger(FileMover.class);

  private final ArchiveMode mode;
  private final Configuration hadoopConf;
  private final FileSystem landingFs;
  private final FileSystem archiveFs;
  private final ArchiveState state;
  private final HaltAt haltAt;
  private final long batchId;
  private final Set<Path> madeFolders;

  FileMover(
      ArchiveMode mode,
      Configuration hadoopConf,
      FileSystem landingFs,
      FileSystem archiveFs,
      ArchiveState state,
      HaltAt haltAt,
      long batchId,
      Set<Path> madeFolders) {
    this.mode = mode;
    this.haltAt = haltAt;
    this.batchId = batchId;
    this.madeFolders = madeFolders;
    this.hadoopConf = hadoopConf;
    this.landingFs = landingFs;
    this.archiveFs = archiveFs;
    this.state = state;
  }

  /**
   * Moves or deletes {@code entries[index]} of {@code plan}. A destination chosen anew (after a
   * collision) is saved into {@code entries} and the plan file first.
   *
   * @param justPlanned the plan was made a moment ago in this pass, which found the source (if its
   *     size is known) and a free destination: not asked again (on S3, requests saved per file); a
   *     destination taken since makes the move fail, and it is retried with the checks next batch
   */
  Archiver.Record carryOut(
      ArchivePlan plan, List<ArchivePlan.Entry> entries, int index, boolean justPlanned)
      throws IOException {
    ArchivePlan.Entry entry = entries.get(index);
    Instant now = Instant.now();
    boolean sourceExists =
        (justPlanned && entry.sizeBytes() >= 0)
            || HadoopFiles.fileExists(landingFs, entry.source());
    if (mode == ArchiveMode.DELETE) {
      if (sourceExists && !landingFs.delete(entry.source(), false)) {
        throw new IOException("delete returned false");
      }
      return new Archiver.Record(entry, Archiver.DELETED, now);
    }
    if (!sourceExists) {
      if (HadoopFiles.fileExists(archiveFs, entry.destination())) {
        // Moved by an attempt that crashed before logging it.
        return new Archiver.Record(entry, Archiver.MOVED, now);
      }
      LOG.warn(
          "{} (batch {}) left the landing folder before it was archived; recorded as vanished",
          entry.source(),
          entry.batchId());
      return new Archiver.Record(entry.withDestination(null), Archiver.VANISHED, now);
    }
    if (!justPlanned && HadoopFiles.fileExists(archiveFs, entry.destination())) {
      if (sameContent(entry.source(), entry.destination())) {
        // A move killed between its copy and its delete (an object store's rename is both, as is
        // a move across file systems): finish it rather than archive the file twice.
        if (!landingFs.delete(entry.source(), false)) {
          throw new IOException("delete of " + entry.source() + " returned false");
        }
        return new Archiver.Record(entry, Archiver.MOVED, now);
      }
      // Something took the planned name since the plan was saved: choose again and save before
      // moving.
      Set<Path> reserved = new HashSet<>();
      entries.forEach(other -> reserved.add(other.destination()));
      ArchivePlan.Entry renamed =
          entry.withDestination(
              ArchivePlanner.freeDestination(entry.destination(), archiveFs, reserved));
      entries.set(index, renamed);
      state.save(plan.withEntries(entries));
      entry = renamed;
    }
    Path folder = entry.destination().getParent();
    if (madeFolders.add(folder)) {
      archiveFs.mkdirs(folder);
    }
    if (haltAt.isAt(FaultPoint.BETWEEN_COPY_AND_DELETE, batchId)) {
      FileUtil.copy(landingFs, entry.source(), archiveFs, entry.destination(), false, hadoopConf);
      haltAt.haltIfAt(FaultPoint.BETWEEN_COPY_AND_DELETE, batchId);
    }
    if (landingFs.getUri().equals(archiveFs.getUri())) {
      if (!landingFs.rename(entry.source(), entry.destination())) {
        archiveFs.mkdirs(folder); // made earlier in this run, and removed since?
        if (!landingFs.rename(entry.source(), entry.destination())) {
          throw new IOException("rename to " + entry.destination() + " returned false");
        }
      }
    } else {
      // Across file systems: copy beside the destination, rename into place, then delete the
      // source.
      Path aside =
          new Path(
              entry.destination().getParent(), "." + entry.destination().getName() + ".copying");
      if (!FileUtil.copy(landingFs, entry.source(), archiveFs, aside, false, true, hadoopConf)
          || !archiveFs.rename(aside, entry.destination())
          || !landingFs.delete(entry.source(), false)) {
        throw new IOException("copy to " + entry.destination() + " failed");
      }
    }
    return new Archiver.Record(entry, Archiver.MOVED, now);
  }

  /** Whether the two files hold the same bytes (compared only on the rare path after a crash). */
  private boolean sameContent(Path source, Path destination) throws IOException {
    if (landingFs.getFileStatus(source).getLen() != archiveFs.getFileStatus(destination).getLen()) {
      return false;
    }
    try (InputStream a = new BufferedInputStream(landingFs.open(source));
        InputStream b = new BufferedInputStream(archiveFs.open(destination))) {
      int next;
      do {
        next = a.read();
        if (next != b.read()) {
          return false;
        }
      } while (next != -1);
      return true;
    }
  }
}

package io.lakestream.archive;

import io.lakestream.config.ArchiveMode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses where each file of a batch goes before anything moves: under the archive folder at the
 * path it had under landing, or, when that name is taken (by a file or by another pending plan),
 * the first free {@code name~N} beside it.
 */
final class ArchivePlanner {

  private static final Logger LOG = LoggerFactory.getLogger(ArchivePlanner.class);

  private final ArchiveMode mode;
  private final Path landingRoot;
  private final Path archiveRoot;

  ArchivePlanner(ArchiveMode mode, Path landingRoot, Path archiveRoot) {
    this.mode = mode;
    this.landingRoot = landingRoot;
    this.archiveRoot = archiveRoot;
  }

  /**
   * The plan of batch {@code batchId}: each file with its size, modification time and (when moving)
   * a destination no file and no plan in {@code pending} holds.
   */
  ArchivePlan plan(
      long batchId,
      CommittedRows committed,
      List<Path> files,
      FileSystem landingFs,
      FileSystem archiveFs,
      Map<Long, ArchivePlan> pending)
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
      long modified;
      try {
        org.apache.hadoop.fs.FileStatus status = landingFs.getFileStatus(file);
        size = status.getLen();
        modified = status.getModificationTime();
      } catch (FileNotFoundException e) {
        size = -1;
        modified = -1;
      }
      Path destination = null;
      if (mode == ArchiveMode.MOVE) {
        destination = freeDestination(paths.destinationOf(file), archiveFs, reserved);
        reserved.add(destination);
      }
      entries.add(new ArchivePlan.Entry(batchId, file, destination, size, modified));
    }
    return new ArchivePlan(batchId, committed, entries);
  }

  /** {@code wanted}, or the first free name beside it that no file and no reservation holds. */
  static Path freeDestination(Path wanted, FileSystem archiveFs, Set<Path> reserved) {
    Path free =
        ArchivePaths.firstFree(
            wanted,
            candidate -> {
              try {
                return reserved.contains(candidate)
                    || io.lakestream.fs.HadoopFiles.fileExists(archiveFs, candidate);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    if (!free.equals(wanted)) {
      LOG.warn("Archive name collision: {} exists, archiving to {} instead", wanted, free);
    }
    return free;
  }
}

package io.lakestream.archive;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds files in the landing folder whose path was already ingested and archived. Spark's file source
 * remembers every path it has read and silently skips a file that comes back under the same name; this
 * makes that visible: each such file is logged once per run and counted in the batch's audit row.
 *
 * <p>{@code archive_log} is read once per run; the moves of this run are added as they happen, so a check
 * is a listing of the landing folder and lookups in memory, never a Spark job.
 */
public final class ReappearedFiles {

  private static final Logger LOG = LoggerFactory.getLogger(ReappearedFiles.class);

  private final SparkSession spark;
  private final String landingRoot;
  private final String archiveLogTable;
  private final Set<String> reported = new HashSet<>();
  private Map<String, Instant> archived;

  public ReappearedFiles(SparkSession spark, String landingRoot, String archiveLogTable) {
    this.spark = spark;
    this.landingRoot = landingRoot;
    this.archiveLogTable = archiveLogTable;
  }

  /** Adds moves and deletes of this run, already appended to {@code archive_log}. */
  public synchronized void remember(List<Archiver.Record> records) {
    if (archived == null) {
      return; // loaded from archive_log, which holds them, at the first check
    }
    for (Archiver.Record record : records) {
      if (!record.action().equals(Archiver.VANISHED)) {
        archived.merge(record.entry().source().toUri().toString(), record.at(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
  }

  /** Logs and returns the number of reappeared files not reported before in this run. */
  public synchronized int check(Configuration hadoopConf) {
    List<String> landed = new ArrayList<>();
    try {
      Path root = new Path(landingRoot);
      FileSystem fs = root.getFileSystem(hadoopConf);
      if (!fs.exists(root)) {
        return 0;
      }
      list(fs, root, landed);
    } catch (IOException e) {
      LOG.warn("Could not list {} to look for reappeared files: {}", landingRoot, e.toString());
      return 0;
    }
    if (landed.isEmpty()) {
      return 0;
    }
    Map<String, Instant> archivedSources = archived();
    int fresh = 0;
    for (String file : landed) {
      Instant archivedAt = archivedSources.get(file);
      if (archivedAt != null && reported.add(file)) {
        fresh++;
        LOG.warn(
            "{} is in the landing folder again, but a file of that name was already ingested and archived at {}."
                + " Spark's file source skips names it has read: rename the file to ingest it.",
            file,
            archivedAt);
      }
    }
    return fresh;
  }

  /**
   * Plain listing, recursively, skipping hidden files. {@code listStatus} rather than {@code listFiles}: the
   * latter asks for block locations and permissions, which on a local disk without Hadoop's native library
   * starts an {@code ls} process per file.
   */
  private static void list(FileSystem fs, Path folder, List<String> into) throws IOException {
    for (FileStatus status : fs.listStatus(folder)) {
      String name = status.getPath().getName();
      if (name.startsWith(".") || name.startsWith("_")) {
        continue;
      }
      if (status.isDirectory()) {
        list(fs, status.getPath(), into);
      } else {
        into.add(ArchivePaths.canonical(fs.makeQualified(status.getPath())).toUri().toString());
      }
    }
  }

  private Map<String, Instant> archived() {
    if (archived == null) {
      Map<String, Instant> sources = new HashMap<>();
      for (Row row :
          spark.table(archiveLogTable)
              .where(col("action").isin(Archiver.MOVED, Archiver.DELETED))
              .groupBy("source")
              .agg(max("archived_at"))
              .collectAsList()) {
        sources.put(row.getString(0), ((Timestamp) row.get(1)).toInstant());
      }
      archived = sources;
    }
    return archived;
  }
}

package io.lakestream.archive;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;

import io.lakestream.fs.HadoopFiles;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds files in the landing folder whose path was already ingested and archived. Spark's file
 * source remembers every path it has read and silently skips a file that comes back under the same
 * name; this makes that visible: each such file is logged once per run and counted in {@code
 * files_reappeared}. With {@code ingest.allow_overwrites}, a file that changed (another size than
 * the archived one, or modified after it was archived) is renamed in place to a name Spark has not
 * seen, so the next batch ingests it whole.
 *
 * <p>Spark remembers a name only while its modification time is within {@code maxFileAge} of the
 * newest file it read, and never reads a file older than that: names are kept for the same window
 * (so the map is bounded as Spark's is, and a name Spark forgot is reported as waiting, as it will
 * be read again), and a new file older than the window gets the current time, or it would never be
 * read. A new file-source log (ingest.source_log_max_size) knows none of the names the old one
 * read: they are forgotten with it.
 *
 * <p>The pipeline checks at start-up, after every bronze batch and, with a processingTime trigger,
 * at every trigger interval, so a file is reported even when nothing else arrives. {@code
 * archive_log} is read once per run; the moves of this run are added as they happen, so a check is
 * a listing of the landing folder and lookups in memory, never a Spark job.
 */
public final class ReappearedFiles {

  private static final Logger LOG = LoggerFactory.getLogger(ReappearedFiles.class);

  /**
   * What was ingested under a name: when it was archived, its size then (-1 if unknown), and the
   * modification time by which the file source remembers it (when archived, for rows older than
   * archive_log's modified_at).
   */
  private record Ingested(Instant archivedAt, long size, long rememberedAt, long batchId) {
    Ingested later(Ingested other) {
      return other.archivedAt.isAfter(archivedAt) ? other : this;
    }

    /**
     * Whether the file source no longer knows the name: modified before {@code forgottenBefore}, or
     * read by a source log before the one that starts at batch {@code logFrom}.
     */
    boolean forgottenBy(long forgottenBefore, long logFrom) {
      return rememberedAt < forgottenBefore || batchId < logFrom;
    }
  }

  /** Purges the names that left the window once it moved on by this share of its length. */
  private static final int PURGE_STEPS = 100;

  private final SparkSession spark;
  private final String landingRoot;
  private final String archiveLogTable;
  private final boolean allowOverwrites;
  private final java.util.function.Predicate<String> readNames;
  private final java.util.function.LongPredicate readsModifiedAt;
  private final long maxFileAgeMillis;

  /** The first batch of the file-source log bronze runs on: it remembers no name read before. */
  private final java.util.function.LongSupplier firstBatchOfSourceLog;

  private final Set<String> reported = new HashSet<>();
  private final Set<String> reportedTooOld = new HashSet<>();
  private Map<String, Ingested> archived;

  /** The newest modification time of an ingested file, Long.MIN_VALUE if none. */
  private long newestRemembered = Long.MIN_VALUE;

  private long purgedBelow = Long.MIN_VALUE;

  /** The first batch of the source log the map was last purged for. */
  private long purgedForLogFrom = Long.MIN_VALUE;

  /** Files reported by checks outside a batch, not yet counted in a batch's audit row. */
  private int uncounted;

  /**
   * What the check after a batch found: files back under an ingested name, and the files and bytes
   * still to be read (Auto Loader's numFilesOutstanding and numBytesOutstanding); both null when
   * landing could not be listed.
   */
  public record AfterBatch(int reappeared, Long filesOutstanding, Long bytesOutstanding) {}

  /**
   * @param readNames the file names the landing read takes (ingest.path_glob); the others are not
   *     waiting to be read
   * @param readsModifiedAt whether the landing read takes a file of that modification time
   *     (ingest.start)
   * @param maxFileAge how long the file source remembers a name (ingest.max_file_age)
   * @param firstBatchOfSourceLog the first batch of bronze's current file-source log
   */
  public ReappearedFiles(
      SparkSession spark,
      String landingRoot,
      String archiveLogTable,
      boolean allowOverwrites,
      java.util.function.Predicate<String> readNames,
      java.util.function.LongPredicate readsModifiedAt,
      java.time.Duration maxFileAge,
      java.util.function.LongSupplier firstBatchOfSourceLog) {
    this.maxFileAgeMillis = maxFileAge.toMillis();
    this.firstBatchOfSourceLog = firstBatchOfSourceLog;
    this.spark = spark;
    this.landingRoot = landingRoot;
    this.archiveLogTable = archiveLogTable;
    this.allowOverwrites = allowOverwrites;
    this.readNames = readNames;
    this.readsModifiedAt = readsModifiedAt;
  }

  /**
   * Starts from "nothing ingested" instead of reading {@code archive_log} (a Spark job, seconds in
   * a cold JVM): for a bronze checkpoint that never planned a batch, whose file source has seen no
   * name, so no name can come back.
   */
  public synchronized void nothingIngestedYet() {
    if (archived == null) {
      archived = new HashMap<>();
    }
  }

  /**
   * Adds moves and deletes of this run, already appended to {@code archive_log} or waiting in its
   * outbox.
   */
  public synchronized void remember(List<Archiver.Record> records) {
    // Loaded first if need be: this run's rows may still wait in archive_log's outbox.
    Map<String, Ingested> known = archived();
    for (Archiver.Record record : records) {
      if (!record.action().equals(Archiver.VANISHED)) {
        long modified = record.entry().modifiedMillis();
        Ingested ingested =
            new Ingested(
                record.at(),
                record.entry().sizeBytes(),
                modified >= 0 ? modified : record.at().toEpochMilli(),
                record.entry().batchId());
        known.merge(record.entry().source().toUri().toString(), ingested, Ingested::later);
        newestRemembered = Math.max(newestRemembered, ingested.rememberedAt());
      }
    }
    long forgotten = forgottenBefore();
    long logFrom = firstBatchOfSourceLog.getAsLong();
    if ((forgotten != Long.MIN_VALUE
            && forgotten - purgedBelow >= Math.max(1, maxFileAgeMillis / PURGE_STEPS))
        || logFrom > purgedForLogFrom) {
      known.values().removeIf(ingested -> ingested.forgottenBy(forgotten, logFrom));
      purgedBelow = Math.max(purgedBelow, forgotten);
      purgedForLogFrom = logFrom;
    }
  }

  /**
   * Modification times below this are outside the file source's window: such a name is forgotten,
   * such a file never read. Long.MIN_VALUE while nothing was ingested.
   */
  private long forgottenBefore() {
    return newestRemembered == Long.MIN_VALUE
        ? Long.MIN_VALUE
        : newestRemembered - maxFileAgeMillis;
  }

  /**
   * A check outside a batch (start-up, an idle trigger): logs what is back, and keeps the count for
   * the next batch's audit row.
   */
  public synchronized void checkNow(Configuration hadoopConf) {
    uncounted += check(hadoopConf, Set.of()).reappeared();
  }

  /**
   * The check after a bronze batch: logs what is back and returns the number of files to count in
   * its audit row (those found now plus those found by checks since the last batch), with what the
   * same listing shows still waiting to be read.
   *
   * @param stillPlanned files already read whose archiving is retried with the next batch
   */
  public synchronized AfterBatch checkAfterBatch(
      Configuration hadoopConf, Set<String> stillPlanned) {
    AfterBatch found = check(hadoopConf, stillPlanned);
    AfterBatch counted =
        new AfterBatch(
            found.reappeared() + uncounted, found.filesOutstanding(), found.bytesOutstanding());
    uncounted = 0;
    return counted;
  }

  /** Files found back in the landing folder under an ingested name in this run. */
  public synchronized int reportedThisRun() {
    return reported.size();
  }

  private AfterBatch check(Configuration hadoopConf, Set<String> stillPlanned) {
    List<FileStatus> landed;
    FileSystem fs;
    try {
      Path root = new Path(landingRoot);
      fs = root.getFileSystem(hadoopConf);
      landed = HadoopFiles.visibleFiles(fs, root); // empty if the folder is missing
    } catch (IOException e) {
      LOG.warn("Could not list {} to look for reappeared files: {}", landingRoot, e.toString());
      return new AfterBatch(0, null, null);
    }
    if (landed.isEmpty()) {
      return new AfterBatch(0, 0L, 0L);
    }
    Map<String, Ingested> archivedSources = archived();
    int fresh = 0;
    long waitingFiles = 0;
    long waitingBytes = 0;
    long forgotten = forgottenBefore();
    long logFrom = firstBatchOfSourceLog.getAsLong();
    for (FileStatus file : landed) {
      String uri = ArchivePaths.canonical(fs.makeQualified(file.getPath())).toUri().toString();
      Ingested before = archivedSources.get(uri);
      if (before != null && before.forgottenBy(forgotten, logFrom)) {
        before = null; // the file source forgot the name too, and reads it again
      }
      if (before == null) {
        // Not ingested under this name: the file source reads it, unless the glob leaves it or it
        // was read and only its move is pending.
        if (readNames.test(file.getPath().getName())
            && readsModifiedAt.test(file.getModificationTime())
            && !stillPlanned.contains(uri)) {
          if (file.getModificationTime() < forgotten) {
            readAlthoughOld(fs, file, uri, forgotten);
          }
          waitingFiles++;
          waitingBytes += file.getLen();
        }
        continue;
      }
      if (!reported.add(uri)) {
        continue;
      }
      fresh++;
      boolean changed =
          file.getLen() != before.size()
              || file.getModificationTime() > before.archivedAt().toEpochMilli();
      if (allowOverwrites && changed) {
        reingest(fs, file, before);
        waitingFiles++; // under its new name
        waitingBytes += file.getLen();
      } else {
        LOG.warn(
            "{} is in the landing folder again, but a file of that name was already ingested and archived at {}."
                + " Spark's file source skips names it has read: {}",
            uri,
            before.archivedAt(),
            allowOverwrites
                ? "it has the size and age of the archived file, so it is taken as the same file and not read again."
                : "rename the file to ingest it, or set ingest.allow_overwrites=true.");
      }
    }
    return new AfterBatch(fresh, waitingFiles, waitingBytes);
  }

  /**
   * A new file modified before the file source's window, which Spark would skip without a word,
   * gets the current time so that the next batch reads it (a local or HDFS landing; an object store
   * gives a file its upload time and has no way to change it).
   */
  private void readAlthoughOld(FileSystem fs, FileStatus file, String uri, long forgotten) {
    if (reportedTooOld.contains(uri)) {
      return;
    }
    long now = System.currentTimeMillis();
    String why =
        "modified at "
            + Instant.ofEpochMilli(file.getModificationTime())
            + ", more than ingest.max_file_age before the newest file read ("
            + Instant.ofEpochMilli(forgotten + maxFileAgeMillis)
            + "), which Spark's file source never reads";
    try {
      fs.setTimes(file.getPath(), now, -1);
      long modified = fs.getFileStatus(file.getPath()).getModificationTime();
      if (modified >= forgotten && modified != file.getModificationTime()) {
        LOG.info("{} was {}: it now has the current time and the next batch reads it", uri, why);
        return;
      }
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("Could not set the modification time of {}", uri, e);
    }
    reportedTooOld.add(uri);
    LOG.warn(
        "{} is {}, and its modification time cannot be changed here: copy it to landing again (a new"
            + " modification time), or raise ingest.max_file_age",
        uri,
        why);
  }

  /** Renames a changed file to a name Spark has not read, so the next batch ingests it whole. */
  private static void reingest(FileSystem fs, FileStatus file, Ingested before) {
    Path target =
        new Path(
            file.getPath().getParent(),
            renamed(file.getPath().getName(), file.getModificationTime()));
    try {
      if (fs.exists(target) || !fs.rename(file.getPath(), target)) {
        LOG.warn(
            "{} is back with new content but could not be renamed to {} to ingest it again; rename it by hand",
            file.getPath(),
            target);
        return;
      }
      LOG.info(
          "{} is back with new content ({} bytes, modified {}; the file archived at {} had {} bytes): ingesting it again"
              + " as {} (ingest.allow_overwrites)",
          file.getPath(),
          file.getLen(),
          Instant.ofEpochMilli(file.getModificationTime()),
          before.archivedAt(),
          before.size(),
          target);
    } catch (IOException e) {
      LOG.warn("Could not rename {} to ingest it again: {}", file.getPath(), e.toString());
    }
  }

  /** {@code events.json} modified at 1700000000000 becomes {@code events~1700000000000.json}. */
  static String renamed(String name, long modifiedMillis) {
    int dot = name.lastIndexOf('.');
    return dot <= 0
        ? name + "~" + modifiedMillis
        : name.substring(0, dot) + "~" + modifiedMillis + name.substring(dot);
  }

  /** The names ingested within the file source's window, read from archive_log once. */
  private Map<String, Ingested> archived() {
    if (archived == null) {
      Map<String, Ingested> sources = new HashMap<>();
      // archive_log rows from before modified_at have when they were archived: a little later.
      Column remembered = coalesce(col("modified_at"), col("archived_at"));
      Dataset<Row> ingested =
          spark
              .table(archiveLogTable)
              .where(col("action").isin(Archiver.MOVED, Archiver.DELETED))
              .where(col("batch_id").geq(firstBatchOfSourceLog.getAsLong()))
              .withColumn("remembered_at", remembered);
      Row newest = ingested.agg(max("remembered_at")).first();
      if (!newest.isNullAt(0)) {
        newestRemembered = Math.max(newestRemembered, ((Timestamp) newest.get(0)).getTime());
        purgedBelow = forgottenBefore();
        for (Row row :
            ingested
                .groupBy("source")
                .agg(
                    max("archived_at"),
                    max_by(col("size_bytes"), col("archived_at")),
                    max("remembered_at").as("remembered_at"),
                    max("batch_id"))
                .where(col("remembered_at").geq(lit(new Timestamp(purgedBelow))))
                .collectAsList()) {
          sources.put(
              row.getString(0),
              new Ingested(
                  ((Timestamp) row.get(1)).toInstant(),
                  row.isNullAt(2) ? -1 : row.getLong(2),
                  ((Timestamp) row.get(3)).getTime(),
                  row.getLong(4)));
        }
      }
      archived = sources;
    }
    return archived;
  }
}

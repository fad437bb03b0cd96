package io.lakestream.maintain;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.lakestream.archive.Archiver;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.fs.HadoopFiles;
import io.lakestream.fs.StateFile;
import io.lakestream.table.DeltaTables;
import io.lakestream.table.Tables;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes archived files whose move is older than archive.retention, as Auto Loader's {@code
 * cleanSource.retentionDuration} does: the file left landing at once, and leaves the archive after
 * the period. Which files and when they were moved comes from archive_log (a file's own
 * modification time says when it was written, not when it was archived); the log's rows stay, so a
 * file landing again under the same name is still recognised.
 *
 * <p>A pass reads only the moves since the last pass's cutoff (less a day, for rows the bookkeeping
 * flush appended late), kept in {@code <checkpoints>/_lakestream_maintain/archive-retention}.
 */
final class ArchiveRetention {

  record Deleted(long files, long bytes) {}

  static final String STATE_FOLDER = "_lakestream_maintain";
  private static final Duration LATE_ROWS = Duration.ofDays(1);
  private static final Logger LOG = LoggerFactory.getLogger(ArchiveRetention.class);

  private final SparkSession spark;
  private final DeltaTables tables;
  private final Path mark;

  ArchiveRetention(SparkSession spark, LakestreamConfig config, DeltaTables tables) {
    this.spark = spark;
    this.tables = tables;
    this.mark =
        new Path(new Path(config.volume().checkpoints(), STATE_FOLDER), "archive-retention");
  }

  Deleted deleteArchivedBefore(Instant cutoff) {
    Optional<Dataset<Row>> log = tables.readIfExists(Tables.ARCHIVE_LOG);
    if (log.isEmpty()) {
      return new Deleted(0, 0);
    }
    HadoopFiles files = new HadoopFiles(spark);
    FileSystem stateFs = files.fileSystemOf(mark);
    Dataset<Row> moves =
        log.get()
            .where(
                col("action")
                    .equalTo(Archiver.MOVED)
                    .and(col("archived_at").lt(lit(Timestamp.from(cutoff)))))
            .select("destination", "size_bytes");
    Optional<Instant> since = readMark(stateFs);
    if (since.isPresent()) {
      moves =
          moves.where(col("archived_at").geq(lit(Timestamp.from(since.get().minus(LATE_ROWS)))));
    }
    long deleted = 0;
    long bytes = 0;
    try {
      for (Iterator<Row> rows = moves.toLocalIterator(); rows.hasNext(); ) {
        Row row = rows.next();
        Path file = new Path(row.getString(0));
        if (files.fileSystemOf(file).delete(file, false)) {
          deleted++;
          bytes += row.isNullAt(1) ? 0 : row.getLong(1);
        }
      }
      StateFile.write(
          stateFs, mark, Long.toString(cutoff.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete archived files older than " + cutoff, e);
    }
    if (deleted > 0) {
      LOG.info(
          "Deleted {} archived files ({} bytes) moved before {} (archive.retention)",
          deleted,
          bytes,
          cutoff);
    }
    return new Deleted(deleted, bytes);
  }

  private Optional<Instant> readMark(FileSystem fs) {
    try (InputStream in = fs.open(mark)) {
      return Optional.of(
          Instant.ofEpochMilli(
              Long.parseLong(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip())));
    } catch (java.io.FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException | NumberFormatException e) {
      LOG.warn("Cannot read {}; reading every archived move once more", mark, e);
      return Optional.empty();
    }
  }
}

package io.lakestream.table;

import io.lakestream.fs.SessionHadoopConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;

/**
 * A lakestream table read as the source of a streaming query (silver reads bronze, gold silver).
 *
 * <p>Spark or Delta internals: listed with their gain, version check and fallback in {@code
 * src/docs/design.md} ("Internals of Spark and Delta").
 */
public final class DeltaStreamSource {

  private final SparkSession spark;
  private final DeltaTables tables;

  DeltaStreamSource(SparkSession spark, DeltaTables tables) {
    this.spark = spark;
    this.tables = tables;
  }

  /**
   * The table as the source of a streaming query whose checkpoint is {@code queryCheckpoint}.
   *
   * <p>The query reads the table's changes from version 0 rather than from its initial snapshot,
   * when every version can still be read (lakestream's tables are only appended to, so the rows are
   * the same; see versionZeroReadable). Why: on every restart Spark re-plans the last committed
   * batch; while that is batch 0 (for ever, on a query without a watermark such as
   * gold_event_type_totals, until new data comes) Delta rebuilds, without startingVersion, the
   * table's whole snapshot with a Spark job and a cache: seconds on every idle run. With it, batch
   * 0 is a range of log versions, re-planned from the log alone. The option is only given where the
   * checkpoint was started with it (or is new), so a query started from a snapshot keeps reading as
   * it began.
   */
  Dataset<Row> read(String tableName, String queryCheckpoint, Duration fileRetention) {
    DataStreamReader reader = spark.readStream().format("delta");
    if (startedFromVersionZero(SessionHadoopConf.of(spark), queryCheckpoint)
        && versionZeroReadable(tableName, fileRetention)) {
      reader = reader.option("startingVersion", "0");
    }
    return reader.table(tables.identifier(tableName));
  }

  /**
   * Whether the query of this checkpoint ever planned a batch (wrote an offsets entry); true when
   * unknown.
   */
  public static boolean plannedABatch(
      org.apache.hadoop.conf.Configuration hadoopConf, String queryCheckpoint) {
    try {
      return OffsetLog.lastBatch(hadoopConf, queryCheckpoint) >= 0;
    } catch (IOException e) {
      return true;
    }
  }

  /**
   * True for a new checkpoint, or one whose first batch read from a version rather than a snapshot.
   */
  static boolean startedFromVersionZero(
      org.apache.hadoop.conf.Configuration hadoopConf, String queryCheckpoint) {
    if (!plannedABatch(hadoopConf, queryCheckpoint)) {
      return true;
    }
    Path offsets = OffsetLog.of(queryCheckpoint);
    try {
      FileSystem fs = offsets.getFileSystem(hadoopConf);
      Path first = new Path(offsets, "0");
      if (!fs.exists(first)) {
        // Batch 0 purged: restarts re-plan a later batch, which has a start offset of its own.
        return false;
      }
      try (java.io.InputStream in = fs.open(first)) {
        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .contains("\"isStartingVersion\":false");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the checkpoint " + queryCheckpoint, e);
    }
  }

  /**
   * Whether every version of the table can still be read as a change: version 0 is in the log, and
   * was written less than {@code fileRetention} ago, so no data file it or a later version added
   * can have been vacuumed yet (VACUUM deletes a file only that long after a commit removed it;
   * auto compaction and OPTIMIZE remove files all the time).
   */
  private boolean versionZeroReadable(String tableName, Duration fileRetention) {
    String location = tables.location(tableName);
    Path firstCommit = DeltaLogNames.commitFile(location, 0);
    try {
      FileStatus status =
          firstCommit.getFileSystem(SessionHadoopConf.of(spark)).getFileStatus(firstCommit);
      return status.getModificationTime() > System.currentTimeMillis() - fileRetention.toMillis();
    } catch (IOException e) {
      return false; // gone, or unknown: the snapshot start works whatever the log holds
    }
  }
}

package io.lakestream.table;

import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A streaming query's offset log, {@code <checkpoint>/offsets}: Spark writes {@code offsets/<batch
 * id>} before it runs the batch, so the log tells which batches a query ever planned.
 *
 * <p>Spark or Delta internals: listed with their gain, version check and fallback in {@code
 * src/docs/design.md} ("Internals of Spark and Delta").
 */
public final class OffsetLog {

  public static final String FOLDER = "offsets";

  private OffsetLog() {}

  /** The log's folder in a query's checkpoint. */
  public static Path of(String queryCheckpoint) {
    return new Path(queryCheckpoint, FOLDER);
  }

  /** The highest batch id in the query's offset log; -1 when it holds none or does not exist. */
  public static long lastBatch(Configuration hadoopConf, String queryCheckpoint)
      throws IOException {
    return highestBatchFile(hadoopConf, of(queryCheckpoint));
  }

  /**
   * The highest batch id in the query's commit log ({@code <checkpoint>/commits}, written once a
   * batch is done); -1 when it holds none or does not exist.
   */
  public static long lastCommitted(Configuration hadoopConf, String queryCheckpoint)
      throws IOException {
    return highestBatchFile(hadoopConf, new Path(queryCheckpoint, "commits"));
  }

  private static long highestBatchFile(Configuration hadoopConf, Path folder) throws IOException {
    FileSystem fs = folder.getFileSystem(hadoopConf);
    long last = -1;
    try {
      for (FileStatus status : fs.listStatus(folder)) {
        // Spark names each batch's file after its id; anything else (a temporary file) is not one.
        String name = status.getPath().getName();
        if (!name.isEmpty() && name.length() < 19 && name.chars().allMatch(Character::isDigit)) {
          last = Math.max(last, Long.parseLong(name));
        }
      }
    } catch (FileNotFoundException e) {
      return -1; // a query that never started
    }
    return last;
  }
}

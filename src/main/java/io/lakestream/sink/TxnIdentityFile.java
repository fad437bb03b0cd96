package io.lakestream.sink;

import io.lakestream.fs.HadoopFiles;
import io.lakestream.fs.StateFile;
import io.lakestream.table.OffsetLog;
import io.lakestream.table.TxnIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The Delta {@code txnAppId} of one foreachBatch sink, kept inside the query's checkpoint folder.
 *
 * <p>Delta skips a write whose ({@code txnAppId}, {@code txnVersion}) it has already committed,
 * which makes a replayed micro-batch a no-op. The id must live exactly as long as the checkpoint: a
 * fixed id would make a query restarted from a deleted checkpoint (batch ids from 0 again) silently
 * skip all its writes.
 *
 * <p>Read when the query starts, the checkpoint also tells which batches are new: Spark logs a
 * batch's offsets (in {@code offsets/<batch id>}) before it runs the batch, so the batches after
 * the last one logged then were never run by anyone, and their writers need not ask a table whether
 * it holds them.
 */
public final class TxnIdentityFile {

  static final String FILE_NAME = "lakestream-txn-app-id";

  private TxnIdentityFile() {}

  /** The sink's id and first new batch; call before the query starts. */
  public static TxnIdentity loadOrCreate(HadoopFiles files, String checkpointFolder) {
    return loadOrCreate(files, checkpointFolder, new SparkCheckpoint(checkpointFolder, 0));
  }

  /**
   * The same, for a query whose Spark checkpoint is {@code spark} (its batch ids counted from its
   * first one): the id stays in {@code checkpointFolder}, and batch ids go on from the earlier
   * Spark checkpoints'.
   */
  public static TxnIdentity loadOrCreate(
      HadoopFiles files, String checkpointFolder, SparkCheckpoint spark) {
    try {
      return new TxnIdentity(
          appId(files, checkpointFolder),
          spark.firstBatchId() + OffsetLog.lastBatch(files.hadoopConf(), spark.folder()) + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the offset log of " + spark.folder(), e);
    }
  }

  /**
   * The id saved in the checkpoint, or a new one saved now. A file that holds no id (emptied by
   * hand, or by a store that lost a write) never named a write, so a new id replaces it.
   */
  private static String appId(HadoopFiles files, String checkpointFolder) {
    Path file = new Path(checkpointFolder, FILE_NAME);
    FileSystem fs = files.fileSystemOf(file);
    try {
      java.util.Optional<String> saved =
          StateFile.readParsed(
              fs,
              file,
              content ->
                  UUID.fromString(new String(content, StandardCharsets.UTF_8).trim()).toString());
      if (saved.isPresent()) {
        return saved.get();
      }
      String id = UUID.randomUUID().toString();
      StateFile.write(fs, file, id.getBytes(StandardCharsets.UTF_8));
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the sink id " + file, e);
    }
  }
}

package io.lakestream.table;

import io.lakestream.fs.StateFile;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few bookkeeping rows a micro-batch produces for a small Delta table ({@code audit_batches},
 * {@code archive_log}, {@code quarantine_events}), kept durably beside the query's checkpoint and
 * appended to the table in one commit now and then, instead of one Delta commit per batch.
 *
 * <p>A batch's rows are saved as one file, {@code <folder>/<batch id>.rows}, written aside and
 * renamed into place (a replay of the batch rewrites it). {@link #flush} appends the saved rows of
 * every outbox of the table in one commit, then removes the files. Nothing is read from the table
 * to make that exactly once:
 *
 * <ul>
 *   <li>each outbox folder remembers the highest batch id appended ({@code .flushed-up-to}); a file
 *       at or below it is a replayed batch whose rows the table holds, and is removed unwritten;
 *   <li>the commit carries Delta's {@code txnAppId}/{@code txnVersion} from the table's {@link
 *       OutboxFlushState}, which records the flush before it commits: a crash between the commit
 *       and the bookkeeping is repaired by writing the same rows under the same version, which
 *       Delta skips if it committed them.
 * </ul>
 *
 * An outbox folder without {@code .flushed-up-to} (a kill between making the folder and writing
 * that file) is flushed once by comparing keys: rows whose key the table holds are left out.
 *
 * <p>A flush runs when one is {@link #DUE_EVERY} after the last, at the start and at the end of
 * every run, so the table lags a running pipeline by at most that long and is complete whenever no
 * run is active. The due flushes of a running query are made by a background thread, off the batch
 * path: under five queries on two cores one small append waited 4–10 s for its turn, and the batch
 * with it. A background flush that fails is logged and tried again when next due; the rows stay
 * saved, and the end of the run flushes in the foreground.
 */
public final class TableOutbox {

  /** How long rows may wait in the outbox of a running query. */
  public static final Duration DUE_EVERY = Duration.ofSeconds(30);

  private static final String SUFFIX = ".rows";
  private static final Pattern ROWS_FILE = Pattern.compile("\\d+\\.rows");

  /** Per outbox folder: the highest batch id whose rows the table holds. */
  static final String FLUSHED_UP_TO = ".flushed-up-to";

  private static final Logger LOG = LoggerFactory.getLogger(TableOutbox.class);

  private final Path folder;
  private final String tableIdentifier;
  private final StructType schema;
  private final OutboxRowCodec codec;
  private final List<String> key;
  private final Path flushState;
  private volatile long lastFlushNanos = System.nanoTime();
  private volatile boolean folderReady;

  /** Set while a due flush of this outbox waits for or runs on the background thread. */
  private final java.util.concurrent.atomic.AtomicBoolean flushQueued =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * @param key the columns that identify a row of the table, for an outbox folder an older
   *     lakestream wrote: a saved row whose key the table holds is not appended again (null equals
   *     null)
   * @param flushState the table's {@link OutboxFlushState} file, the same for every outbox of the
   *     table
   */
  public TableOutbox(
      String folder,
      String tableIdentifier,
      StructType schema,
      List<String> key,
      String flushState) {
    this.folder = new Path(folder);
    this.tableIdentifier = tableIdentifier;
    this.schema = schema;
    this.codec = new OutboxRowCodec(schema);
    this.key = List.copyOf(key);
    this.flushState = new Path(flushState);
  }

  public String tableIdentifier() {
    return tableIdentifier;
  }

  /**
   * Saves batch {@code batchId}'s rows durably (replacing what an earlier attempt of the batch
   * saved).
   */
  public void add(Configuration hadoopConf, long batchId, List<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    try {
      FileSystem fs = folder.getFileSystem(hadoopConf);
      prepareFolder(fs);
      StringBuilder lines = new StringBuilder();
      for (Row row : rows) {
        lines.append(codec.line(row)).append('\n');
      }
      StateFile.write(
          fs,
          new Path(folder, batchId + SUFFIX),
          lines.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot save batch " + batchId + "'s rows for " + tableIdentifier + " in " + folder, e);
    }
  }

  /**
   * A new folder starts with nothing appended ({@code .flushed-up-to} = -1); a folder that exists
   * without that file (a kill right after making it) keeps none, so its first flush compares keys
   * with the table.
   */
  private void prepareFolder(FileSystem fs) throws IOException {
    if (folderReady) {
      return;
    }
    if (!fs.exists(folder)) {
      fs.mkdirs(folder);
      writeFlushedUpTo(fs, -1);
    }
    folderReady = true;
  }

  Optional<Long> flushedUpTo(FileSystem fs) throws IOException {
    try (InputStream in = fs.open(new Path(folder, FLUSHED_UP_TO))) {
      return Optional.of(
          Long.parseLong(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim()));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  private void writeFlushedUpTo(FileSystem fs, long batchId) throws IOException {
    StateFile.write(
        fs,
        new Path(folder, FLUSHED_UP_TO),
        Long.toString(batchId).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Flushes in the background when {@link #DUE_EVERY} has passed since the last flush; returns at
   * once.
   */
  public void flushIfDue(SparkSession spark) {
    if (System.nanoTime() - lastFlushNanos >= DUE_EVERY.toNanos()) {
      flushInBackground(spark);
    }
  }

  /** Queues a flush on the background thread, unless one of this outbox is already queued. */
  void flushInBackground(SparkSession spark) {
    if (!flushQueued.compareAndSet(false, true)) {
      return;
    }
    OutboxFlusher.INSTANCE.submit(
        spark,
        () -> {
          try {
            flush(spark);
          } catch (RuntimeException e) {
            lastFlushNanos = System.nanoTime();
            LOG.warn(
                "Background flush to {} failed; its rows stay saved and the next flush appends them",
                tableIdentifier,
                e);
          } finally {
            flushQueued.set(false);
          }
        });
  }

  /**
   * Waits until every flush queued on the background thread so far is done (before the end-of-run
   * flush).
   */
  public static void awaitBackgroundFlushes() {
    OutboxFlusher.INSTANCE.awaitQueued();
  }

  /** Appends the saved rows the table does not hold yet, in one commit, then forgets them. */
  public long flush(SparkSession spark) {
    return OutboxFlush.flushAll(spark, List.of(this));
  }

  /**
   * Flushes several outboxes (say, every query's for {@code audit_batches}): one commit per table,
   * the tables side by side.
   */
  public static long flushAll(SparkSession spark, List<TableOutbox> outboxes) {
    return OutboxFlush.flushAll(spark, outboxes);
  }

  /** One saved file: its outbox, file system, path and batch id. */
  record Saved(TableOutbox outbox, FileSystem fs, Path file, long batchId) {}

  /** The same table's outbox in another folder (of a query this run may not start). */
  TableOutbox at(String otherFolder) {
    return new TableOutbox(otherFolder, tableIdentifier, schema, key, flushState.toString());
  }

  Path folder() {
    return folder;
  }

  StructType schema() {
    return schema;
  }

  List<String> key() {
    return key;
  }

  Path flushState() {
    return flushState;
  }

  /** A flush of this outbox starts now: the next is due {@link #DUE_EVERY} later. */
  void flushStarted() {
    lastFlushNanos = System.nanoTime();
  }

  List<Row> readAll(List<Saved> files) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (Saved file : files) {
      codec.readInto(file.fs(), file.file(), rows);
    }
    return rows;
  }

  List<Saved> savedFiles(FileSystem fs) throws IOException {
    List<Saved> files = new ArrayList<>();
    try {
      for (FileStatus status : fs.listStatus(folder)) {
        String name = status.getPath().getName();
        if (ROWS_FILE.matcher(name).matches()) {
          files.add(
              new Saved(
                  this,
                  fs,
                  status.getPath(),
                  Long.parseLong(name.substring(0, name.length() - SUFFIX.length()))));
        } else if (!name.startsWith(".")) {
          LOG.warn("Ignoring {} in {}: lakestream did not write it", name, folder);
        }
      }
    } catch (FileNotFoundException e) {
      return List.of(); // nothing was ever saved here
    }
    return files;
  }
}

package io.lakestream.table;

import io.lakestream.fs.SessionHadoopConf;
import io.lakestream.fs.StateFile;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
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
  private static final String FLUSHED_UP_TO = ".flushed-up-to";

  private static final Logger LOG = LoggerFactory.getLogger(TableOutbox.class);

  /**
   * One flush at a time per table in this JVM: a flush reads the table (to leave out rows it holds)
   * before it appends, so two queries flushing into audit_batches at once would fail Delta's
   * conflict check.
   */
  private static final java.util.concurrent.ConcurrentHashMap<String, Object> TABLE_LOCKS =
      new java.util.concurrent.ConcurrentHashMap<>();

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

  private Optional<Long> flushedUpTo(FileSystem fs) throws IOException {
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
    return flushAll(spark, List.of(this));
  }

  /**
   * Flushes several outboxes (say, every query's for {@code audit_batches}): one commit per table,
   * the tables side by side.
   */
  public static long flushAll(SparkSession spark, List<TableOutbox> outboxes) {
    Map<String, List<TableOutbox>> byTable = new LinkedHashMap<>();
    outboxes.forEach(
        outbox ->
            byTable
                .computeIfAbsent(outbox.tableIdentifier, table -> new ArrayList<>())
                .add(outbox));
    // The tables side by side: each flush is a small job and a commit, mostly waiting on one
    // another's turn.
    List<java.util.concurrent.Callable<Long>> flushes = new ArrayList<>();
    byTable.values().forEach(table -> flushes.add(() -> flushLocked(spark, table)));
    return Concurrently.all("flushing the outboxes", flushes).stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  private static long flushLocked(SparkSession spark, List<TableOutbox> table) {
    synchronized (TABLE_LOCKS.computeIfAbsent(table.get(0).tableIdentifier, name -> new Object())) {
      return flushTable(spark, table);
    }
  }

  /** One saved file: its outbox, file system, path and batch id. */
  private record Saved(TableOutbox outbox, FileSystem fs, Path file, long batchId) {}

  private static long flushTable(SparkSession spark, List<TableOutbox> outboxes) {
    TableOutbox first = outboxes.get(0);
    Configuration hadoopConf = SessionHadoopConf.of(spark);
    try {
      FileSystem stateFs = first.flushState.getFileSystem(hadoopConf);
      OutboxFlushState state = OutboxFlushState.read(stateFs, first.flushState).orElse(null);
      if (state != null && state.pending().isPresent()) {
        long rows = commitPending(spark, hadoopConf, first, state, false);
        LOG.info(
            "Completed the interrupted flush {} of {} ({} rows)",
            state.pending().get().version(),
            first.tableIdentifier,
            rows);
        state = state.finished();
      }
      List<Saved> toAppend = new ArrayList<>();
      List<Saved> appendedBefore = new ArrayList<>();
      boolean olderFolder = false;
      for (TableOutbox outbox : outboxes) {
        outbox.lastFlushNanos = System.nanoTime();
        FileSystem fs = outbox.folder.getFileSystem(hadoopConf);
        List<Saved> saved = outbox.savedFiles(fs);
        if (saved.isEmpty()) {
          continue;
        }
        Optional<Long> upTo = outbox.flushedUpTo(fs);
        olderFolder |= upTo.isEmpty();
        for (Saved file : saved) {
          (upTo.isPresent() && file.batchId() <= upTo.get() ? appendedBefore : toAppend).add(file);
        }
      }
      // A replayed batch whose rows a flush appended before: the table holds them.
      deleteFlushed(appendedBefore);
      if (toAppend.isEmpty()) {
        return 0;
      }
      if (state == null) {
        state = OutboxFlushState.fresh(tableName(first.tableIdentifier));
      }
      long rows;
      if (olderFolder) {
        List<Row> saved = first.readAll(toAppend);
        appendRowsTheTableLacks(spark, first, saved);
        markFlushed(highestBatchIds(toAppend), hadoopConf);
        state.save(stateFs, first.flushState);
        deleteFlushed(toAppend);
        rows = saved.size();
      } else {
        // Recorded first, then committed exactly as an interrupted flush is completed.
        state = state.begin(highestBatchIds(toAppend));
        state.save(stateFs, first.flushState);
        rows = commitPending(spark, hadoopConf, first, state, true);
      }
      LOG.debug(
          "Flushed {} saved rows of {} batches to {}",
          rows,
          toAppend.size(),
          first.tableIdentifier);
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot flush the saved rows of " + first.tableIdentifier, e);
    }
  }

  /**
   * Commits the recorded pending flush: the rows of each listed folder above its {@code
   * .flushed-up-to} and up to the recorded batch, under the recorded version, then the marks, the
   * state and the files. For a flush a crash (or a failed commit) interrupted, the rows are still
   * in their files and Delta skips the write if the first attempt committed. Returns the rows
   * written (or skipped by Delta).
   *
   * @param versionIsNew the flush was recorded just now, so its version is new to the table and the
   *     commit needs no replay check ({@link DeltaTransactionAppend})
   */
  private static long commitPending(
      SparkSession spark,
      Configuration hadoopConf,
      TableOutbox first,
      OutboxFlushState state,
      boolean versionIsNew)
      throws IOException {
    OutboxFlushState.Pending pending = state.pending().orElseThrow();
    List<Saved> files = new ArrayList<>();
    for (Map.Entry<String, Long> folder : pending.upTo().entrySet()) {
      TableOutbox outbox = first.at(folder.getKey());
      FileSystem fs = outbox.folder.getFileSystem(hadoopConf);
      long appendedBefore = outbox.flushedUpTo(fs).orElse(-1L);
      for (Saved file : outbox.savedFiles(fs)) {
        if (file.batchId() > appendedBefore && file.batchId() <= folder.getValue()) {
          files.add(file);
        }
      }
    }
    List<Row> rows = first.readAll(files);
    if (!rows.isEmpty()) {
      append(spark, first, rows, state, versionIsNew);
    }
    markFlushed(pending.upTo(), hadoopConf);
    state.finished().save(first.flushState.getFileSystem(hadoopConf), first.flushState);
    deleteFlushed(files);
    return rows.size();
  }

  /** The same table's outbox in another folder (of a query this run may not start). */
  private TableOutbox at(String otherFolder) {
    return new TableOutbox(otherFolder, tableIdentifier, schema, key, flushState.toString());
  }

  private static Map<String, Long> highestBatchIds(List<Saved> files) {
    Map<String, Long> upTo = new java.util.TreeMap<>();
    files.forEach(file -> upTo.merge(file.outbox().folder.toString(), file.batchId(), Math::max));
    return upTo;
  }

  private static void markFlushed(Map<String, Long> upTo, Configuration hadoopConf)
      throws IOException {
    for (Map.Entry<String, Long> folder : upTo.entrySet()) {
      Path path = new Path(folder.getKey());
      FileSystem fs = path.getFileSystem(hadoopConf);
      if (fs.exists(path)) { // a checkpoint deleted since keeps nothing
        StateFile.write(
            fs,
            new Path(path, FLUSHED_UP_TO),
            Long.toString(folder.getValue()).getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private static void append(
      SparkSession spark,
      TableOutbox first,
      List<Row> rows,
      OutboxFlushState state,
      boolean versionIsNew) {
    Dataset<Row> saved = spark.createDataFrame(rows, first.schema);
    long version = state.pending().orElseThrow().version();
    if (!versionIsNew
        || !DeltaTransactionAppend.append(saved, first.tableIdentifier, state.appId(), version)) {
      IdempotentWrites.append(saved, first.tableIdentifier, state.appId(), version);
    }
  }

  /**
   * The older way, for a folder without {@code .flushed-up-to}: leaves out the rows whose key the
   * table holds.
   */
  private static void appendRowsTheTableLacks(
      SparkSession spark, TableOutbox first, List<Row> rows) {
    Dataset<Row> saved = spark.createDataFrame(rows, first.schema);
    Column firstKey = functions.col(first.key.get(0));
    int firstKeyIndex = first.schema.fieldIndex(first.key.get(0));
    Object[] firstKeys = rows.stream().map(row -> row.get(firstKeyIndex)).distinct().toArray();
    Dataset<Row> held =
        spark
            .table(first.tableIdentifier)
            .where(firstKey.isin(firstKeys))
            .select(first.key.stream().map(functions::col).toArray(Column[]::new));
    Column same = null;
    for (String column : first.key) {
      Column equal = saved.col(column).eqNullSafe(held.col(column));
      same = same == null ? equal : same.and(equal);
    }
    saved
        .join(held, same, "left_anti")
        .write()
        .format("delta")
        .mode("append")
        .saveAsTable(first.tableIdentifier);
  }

  private static String tableName(String identifier) {
    String last = identifier.substring(identifier.lastIndexOf('.') + 1);
    return last.replace("`", "");
  }

  private static void deleteFlushed(List<Saved> files) throws IOException {
    for (Saved file : files) {
      if (!file.fs().delete(file.file(), false) && file.fs().exists(file.file())) {
        throw new IOException("Cannot remove flushed " + file.file());
      }
    }
  }

  private List<Row> readAll(List<Saved> files) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (Saved file : files) {
      codec.readInto(file.fs(), file.file(), rows);
    }
    return rows;
  }

  private List<Saved> savedFiles(FileSystem fs) throws IOException {
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

package io.lakestream.table;

import io.lakestream.fs.SessionHadoopConf;
import io.lakestream.fs.StateFile;
import io.lakestream.table.TableOutbox.Saved;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the saved rows of a table's outboxes reach the table: one commit per table, exactly once
 * across crashes (see {@link TableOutbox} for the files and marks it relies on).
 */
final class OutboxFlush {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxFlush.class);

  /**
   * One flush at a time per table in this JVM: a flush reads the table (to leave out rows it holds)
   * before it appends, so two queries flushing into audit_batches at once would fail Delta's
   * conflict check.
   */
  private static final java.util.concurrent.ConcurrentHashMap<String, Object> TABLE_LOCKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private OutboxFlush() {}

  /**
   * Flushes several outboxes (say, every query's for {@code audit_batches}): one commit per table,
   * the tables side by side.
   */
  static long flushAll(SparkSession spark, List<TableOutbox> outboxes) {
    Map<String, List<TableOutbox>> byTable = new LinkedHashMap<>();
    outboxes.forEach(
        outbox ->
            byTable
                .computeIfAbsent(outbox.tableIdentifier(), table -> new ArrayList<>())
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
    synchronized (
        TABLE_LOCKS.computeIfAbsent(table.get(0).tableIdentifier(), name -> new Object())) {
      return flushTable(spark, table);
    }
  }

  private static long flushTable(SparkSession spark, List<TableOutbox> outboxes) {
    TableOutbox first = outboxes.get(0);
    Configuration hadoopConf = SessionHadoopConf.of(spark);
    try {
      FileSystem stateFs = first.flushState().getFileSystem(hadoopConf);
      OutboxFlushState state = OutboxFlushState.read(stateFs, first.flushState()).orElse(null);
      if (state != null && state.pending().isPresent()) {
        long rows = commitPending(spark, hadoopConf, first, state, false);
        LOG.info(
            "Completed the interrupted flush {} of {} ({} rows)",
            state.pending().get().version(),
            first.tableIdentifier(),
            rows);
        state = state.finished();
      }
      List<Saved> toAppend = new ArrayList<>();
      List<Saved> appendedBefore = new ArrayList<>();
      boolean olderFolder = false;
      for (TableOutbox outbox : outboxes) {
        outbox.flushStarted();
        FileSystem fs = outbox.folder().getFileSystem(hadoopConf);
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
        state = OutboxFlushState.fresh(tableName(first.tableIdentifier()));
      }
      long rows;
      if (olderFolder) {
        List<Row> saved = first.readAll(toAppend);
        appendRowsTheTableLacks(spark, first, saved);
        markFlushed(highestBatchIds(toAppend), hadoopConf);
        state.save(stateFs, first.flushState());
        deleteFlushed(toAppend);
        rows = saved.size();
      } else {
        // Recorded first, then committed exactly as an interrupted flush is completed.
        state = state.begin(highestBatchIds(toAppend));
        state.save(stateFs, first.flushState());
        rows = commitPending(spark, hadoopConf, first, state, true);
      }
      LOG.debug(
          "Flushed {} saved rows of {} batches to {}",
          rows,
          toAppend.size(),
          first.tableIdentifier());
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot flush the saved rows of " + first.tableIdentifier(), e);
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
      FileSystem fs = outbox.folder().getFileSystem(hadoopConf);
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
    state.finished().save(first.flushState().getFileSystem(hadoopConf), first.flushState());
    deleteFlushed(files);
    return rows.size();
  }

  private static Map<String, Long> highestBatchIds(List<Saved> files) {
    Map<String, Long> upTo = new java.util.TreeMap<>();
    files.forEach(file -> upTo.merge(file.outbox().folder().toString(), file.batchId(), Math::max));
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
            new Path(path, TableOutbox.FLUSHED_UP_TO),
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
    Dataset<Row> saved = spark.createDataFrame(rows, first.schema());
    long version = state.pending().orElseThrow().version();
    if (!versionIsNew
        || !DeltaTransactionAppend.append(saved, first.tableIdentifier(), state.appId(), version)) {
      IdempotentWrites.append(saved, first.tableIdentifier(), state.appId(), version);
    }
  }

  /**
   * The older way, for a folder without {@code .flushed-up-to}: leaves out the rows whose key the
   * table holds.
   */
  private static void appendRowsTheTableLacks(
      SparkSession spark, TableOutbox first, List<Row> rows) {
    Dataset<Row> saved = spark.createDataFrame(rows, first.schema());
    Column firstKey = functions.col(first.key().get(0));
    int firstKeyIndex = first.schema().fieldIndex(first.key().get(0));
    Object[] firstKeys = rows.stream().map(row -> row.get(firstKeyIndex)).distinct().toArray();
    Dataset<Row> held =
        spark
            .table(first.tableIdentifier())
            .where(firstKey.isin(firstKeys))
            .select(first.key().stream().map(functions::col).toArray(Column[]::new));
    Column same = null;
    for (String column : first.key()) {
      Column equal = saved.col(column).eqNullSafe(held.col(column));
      same = same == null ? equal : same.and(equal);
    }
    saved
        .join(held, same, "left_anti")
        .write()
        .format("delta")
        .mode("append")
        .saveAsTable(first.tableIdentifier());
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
}

package io.lakestream.observe;

import io.lakestream.table.Tables;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends each batch's progress to {@code pipeline_progress} from a thread of its own, never from a
 * query's batch: the listener only queues, a writer appends what has queued every few seconds. A
 * failed write is logged, and the number of failures once more at the end; it never fails the
 * pipeline, and its rows are dropped from the table only (the log still has every line).
 */
public final class ProgressTable implements ProgressSink, AutoCloseable {

  static final Duration WRITE_EVERY = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(ProgressTable.class);

  private final SparkSession spark;
  private final String tableIdentifier;
  private final LinkedBlockingQueue<BatchProgress> queue = new LinkedBlockingQueue<>();
  private final AtomicLong failedWrites = new AtomicLong();
  private final AtomicLong rowsNotWritten = new AtomicLong();
  private final Thread writer;
  private final Duration writeEvery;

  /** Queued by {@link #close()}: the writer appends what came before it, then ends. */
  private static final BatchProgress END =
      BatchProgress.withoutFigures("", "", -1, java.time.Instant.EPOCH, 0, "");

  public ProgressTable(SparkSession spark, String tableIdentifier) {
    this(spark, tableIdentifier, WRITE_EVERY);
  }

  /** With another period between appends (tests). */
  ProgressTable(SparkSession spark, String tableIdentifier, Duration writeEvery) {
    this.writeEvery = writeEvery;
    this.spark = spark;
    this.tableIdentifier = tableIdentifier;
    this.writer = new Thread(this::writeLoop, "lakestream-progress-writer");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void batchDone(BatchProgress progress) {
    queue.add(progress);
  }

  /**
   * Appends what has queued at most once every {@code writeEvery} (five queries finish a batch
   * about every second between them: one Delta commit each would cost more than the batches' own);
   * {@link #END} writes what came before it at once, and ends.
   */
  private void writeLoop() {
    boolean ending = false;
    long nextWrite = System.nanoTime() + writeEvery.toNanos();
    while (!ending) {
      try {
        List<BatchProgress> batch = new ArrayList<>();
        batch.add(queue.take());
        gatherUntil(nextWrite, batch);
        ending = batch.remove(END);
        write(batch);
        if (!batch.isEmpty()) {
          nextWrite = System.nanoTime() + writeEvery.toNanos();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Adds what queues until {@code deadline} (a nanoTime) or until {@link #END} comes. */
  private void gatherUntil(long deadline, List<BatchProgress> batch) throws InterruptedException {
    queue.drainTo(batch);
    while (!batch.contains(END)) {
      long wait = deadline - System.nanoTime();
      if (wait <= 0) {
        return;
      }
      BatchProgress next = queue.poll(wait, TimeUnit.NANOSECONDS);
      if (next == null) {
        return;
      }
      batch.add(next);
      queue.drainTo(batch);
    }
  }

  /**
   * Progress rows (one per query batch) that failed to append in this run; they are only in the
   * log.
   */
  public long rowsNotWritten() {
    return rowsNotWritten.get();
  }

  /**
   * Writes what is still queued, then stops the writer. Call after the listener has seen every
   * query end.
   */
  @Override
  public void close() {
    queue.add(END);
    try {
      writer.join(TimeUnit.MINUTES.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failedWrites.get() > 0) {
      LOG.warn(
          "{} appends to {} failed in this run; those batches are only in the log",
          failedWrites.get(),
          tableIdentifier);
    }
  }

  private void write(List<BatchProgress> batch) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      spark
          .createDataFrame(
              batch.stream().map(ProgressTable::row).toList(), Tables.pipelineProgress().schema())
          .write()
          .format("delta")
          .mode("append")
          .saveAsTable(tableIdentifier);
    } catch (Exception e) { // any failure here must stay here
      failedWrites.incrementAndGet();
      rowsNotWritten.addAndGet(batch.size());
      LOG.warn(
          "Could not append {} rows to {} (the pipeline goes on; the log has every batch): {}",
          batch.size(),
          tableIdentifier,
          e.toString().lines().findFirst().orElse(""));
    }
  }

  static Row row(BatchProgress p) {
    return RowFactory.create(
        p.query(),
        p.runId(),
        p.batchId(),
        Timestamp.from(p.timestamp()),
        p.rowsIn(),
        p.inputRowsPerSecond(),
        p.processedRowsPerSecond(),
        p.durationMs(),
        p.addBatchMs(),
        p.getBatchMs(),
        p.latestOffsetMs(),
        p.queryPlanningMs(),
        p.walCommitMs(),
        p.commitOffsetsMs(),
        p.stateRows(),
        p.stateMemoryBytes(),
        p.lateRowsDropped(),
        p.rowsQuarantined(),
        p.quarantinedByReason() == null
            ? null
            : scala.jdk.javaapi.CollectionConverters.asScala(p.quarantinedByReason()),
        p.rowsRescued(),
        p.filesArchived(),
        p.filesOutstanding(),
        p.bytesOutstanding(),
        p.unmatchedEnrichment(),
        p.progressJson());
  }
}

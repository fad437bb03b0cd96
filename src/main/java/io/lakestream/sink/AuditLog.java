package io.lakestream.sink;

import io.lakestream.archive.BatchArchiving;
import io.lakestream.fs.SessionHadoopConf;
import io.lakestream.table.TableOutbox;
import io.lakestream.table.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * One row per micro-batch for {@code audit_batches}, saved durably with the batch and appended in
 * bulk by a {@link TableOutbox}: a replayed batch replaces its saved row, and a row the table holds
 * already (same query and batch id) is never appended again.
 */
public final class AuditLog {

  /** What one micro-batch of one query did. */
  public record Entry(
      String query,
      long batchId,
      long rowsIn,
      long rowsWritten,
      long rowsQuarantined,
      long rowsWarned,
      BatchArchiving.FileCounts files,
      Instant startedAt) {}

  public static final List<String> KEY = List.of("query", "batch_id");

  private final TableOutbox outbox;

  /**
   * @param outboxFolder where the writing query's rows wait, beside its checkpoint
   * @param flushState the table's outbox flush state file, the same for every query (see
   *     TableOutbox)
   */
  public AuditLog(String tableIdentifier, String outboxFolder, String flushState) {
    this.outbox =
        new TableOutbox(outboxFolder, tableIdentifier, Tables.audit().schema(), KEY, flushState);
  }

  public TableOutbox outbox() {
    return outbox;
  }

  public void append(SparkSession spark, Entry entry) {
    long durationMs = Instant.now().toEpochMilli() - entry.startedAt().toEpochMilli();
    Row row =
        RowFactory.create(
            entry.query(),
            entry.batchId(),
            entry.rowsIn(),
            entry.rowsWritten(),
            entry.rowsQuarantined(),
            entry.rowsWarned(),
            entry.files().archived(),
            entry.files().failed(),
            entry.files().reappeared(),
            Timestamp.from(entry.startedAt()),
            durationMs);
    outbox.add(SessionHadoopConf.of(spark), entry.batchId(), List.of(row));
    outbox.flushIfDue(spark);
  }

  /** Appends every saved row to the table now. */
  public void flush(SparkSession spark) {
    outbox.flush(spark);
  }
}

package io.lakestream.sink;

import io.lakestream.archive.BatchArchiving;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Appends one row per micro-batch to {@code audit_batches}, idempotently: a replayed batch's row is skipped
 * by Delta through the writing query's {@code txnAppId} and the batch id.
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

  private final String tableIdentifier;
  private final String txnAppId;

  public AuditLog(String tableIdentifier, String txnAppId) {
    this.tableIdentifier = tableIdentifier;
    this.txnAppId = txnAppId;
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
    spark
        .createDataFrame(List.of(row), Tables.audit().schema())
        .write()
        .format("delta")
        .mode("append")
        .option("txnAppId", txnAppId)
        .option("txnVersion", entry.batchId())
        .saveAsTable(tableIdentifier);
  }
}

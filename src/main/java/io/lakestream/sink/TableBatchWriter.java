package io.lakestream.sink;

import io.delta.tables.DeltaTable;
import io.lakestream.archive.BatchArchiving;
import io.lakestream.config.AggregationSettings.OutputModeChoice;
import io.lakestream.table.BatchAppender;
import io.lakestream.table.IdempotentWrites;
import io.lakestream.table.TxnIdentity;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one micro-batch of a query's output to its Delta table and one row to {@code
 * audit_batches}.
 *
 * <ul>
 *   <li>{@link Mode#APPEND}: new rows (append output mode);
 *   <li>{@link Mode#MERGE}: upsert on the table's key (update output mode: rows are a window's or
 *       key's current values, so the upsert sets them, never adds to them);
 *   <li>{@link Mode#OVERWRITE}: replace the table (complete output mode).
 * </ul>
 *
 * Every write carries Delta's {@code txnAppId}/{@code txnVersion} (as write options, or as session
 * confs for MERGE), so a batch replayed after a crash is skipped instead of applied twice; appends
 * ask Delta whether they were committed before only when they may have been ({@link
 * BatchAppender}). An append or overwrite of a batch known to be new is counted while it is written
 * ({@link BatchAppender#appendCounted}, {@link BatchAppender#overwriteCounted}); any other write
 * persists the batch while it is counted and written. Either way the batch is computed once.
 */
public final class TableBatchWriter implements VoidFunction2<Dataset<Row>, Long> {

  /** How a batch lands in the table, and the output mode Spark runs the query in for it. */
  public enum Mode {
    APPEND(OutputMode.Append()),
    MERGE(OutputMode.Update()),
    OVERWRITE(OutputMode.Complete());

    private final OutputMode outputMode;

    Mode(OutputMode outputMode) {
      this.outputMode = outputMode;
    }

    public OutputMode outputMode() {
      return outputMode;
    }

    /**
     * The write for a configured output mode (the configuration refuses the ones a table cannot
     * take).
     */
    public static Mode of(OutputModeChoice choice) {
      return switch (choice) {
        case APPEND -> APPEND;
        case UPDATE -> MERGE;
        case COMPLETE -> OVERWRITE;
      };
    }
  }

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TableBatchWriter.class);

  private final String queryName;
  private final String tableIdentifier;
  private final Mode mode;
  private final List<String> mergeKeys;
  private final TxnIdentity txnIdentity;
  private final AuditLog audit;

  /**
   * Appends (and overwrites) batches known to be new; made on the driver at the first batch of this
   * query start.
   */
  private transient BatchAppender appender;

  public TableBatchWriter(
      String queryName,
      String tableIdentifier,
      Mode mode,
      List<String> mergeKeys,
      TxnIdentity txnIdentity,
      AuditLog audit) {
    this.queryName = queryName;
    this.tableIdentifier = tableIdentifier;
    this.mode = mode;
    this.mergeKeys = List.copyOf(mergeKeys);
    this.txnIdentity = txnIdentity;
    this.audit = audit;
  }

  @Override
  public void call(Dataset<Row> batch, Long batchId) {
    Instant startedAt = Instant.now();
    OptionalLong written =
        switch (mode) {
          case APPEND -> appender().appendCounted(batch, batchId);
          case OVERWRITE -> appender().overwriteCounted(batch, batchId);
          case MERGE -> OptionalLong.empty();
        };
    if (written.isPresent()) {
      recordIfAny(batch, batchId, written.getAsLong(), startedAt);
      return;
    }
    // A possible replay or a MERGE: counted first, so the batch is persisted and computed once.
    Dataset<Row> rows = batch.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long count = rows.count();
      if (count == 0 && mode != Mode.OVERWRITE) {
        return;
      }
      write(rows, batchId);
      recordIfAny(batch, batchId, count, startedAt);
    } finally {
      rows.unpersist();
    }
  }

  /**
   * The batch's audit row and log line. A stateful query's no-data batch (run only to move the
   * watermark) that emitted nothing leaves no trace.
   */
  private void recordIfAny(Dataset<Row> batch, long batchId, long count, Instant startedAt) {
    if (count == 0 && mode != Mode.OVERWRITE) {
      return;
    }
    audit.append(
        batch.sparkSession(),
        new AuditLog.Entry(
            queryName, batchId, count, count, 0, 0, BatchArchiving.FileCounts.NONE, startedAt));
    LOG.info(
        "Query {} batch {}: {} rows to {} ({})", queryName, batchId, count, tableIdentifier, mode);
  }

  private void write(Dataset<Row> rows, long batchId) {
    switch (mode) {
      case APPEND -> appender().append(rows, batchId);
      case OVERWRITE ->
          IdempotentWrites.save(
              rows, tableIdentifier, SaveMode.Overwrite, txnIdentity.appId(), batchId);
      case MERGE -> merge(rows, batchId);
    }
  }

  private BatchAppender appender() {
    if (appender == null) {
      appender = new BatchAppender(tableIdentifier, txnIdentity);
    }
    return appender;
  }

  private void merge(Dataset<Row> rows, long batchId) {
    String condition =
        mergeKeys.stream()
            .map(key -> "t.`" + key + "` = s.`" + key + "`")
            .collect(Collectors.joining(" AND "));
    IdempotentWrites.inSessionTransaction(
        rows.sparkSession(),
        txnIdentity.appId(),
        batchId,
        () ->
            DeltaTable.forName(rows.sparkSession(), tableIdentifier)
                .as("t")
                .merge(rows.as("s"), condition)
                .whenMatched()
                .updateAll()
                .whenNotMatched()
                .insertAll()
                .execute());
  }
}

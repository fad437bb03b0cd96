package io.lakestream.app;

import io.lakestream.archive.BatchArchiving;
import io.lakestream.config.FaultPoint;
import io.lakestream.config.HaltAt;
import io.lakestream.sink.AuditLog;
import io.lakestream.sink.BronzeBatchWriter;
import io.lakestream.source.SourceLogGeneration;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the bronze query does with each micro-batch, in the order exactly-once needs: write it
 * (bronze_events and quarantine_events), then, with every row committed, let its files leave the
 * landing folder (archive_log), then record the batch (audit_batches) with what both did. A crash
 * between two steps replays the batch: the writes skip what they committed, the archiver finishes
 * its plan, the audit row is written once.
 */
final class BronzeBatch implements VoidFunction2<Dataset<Row>, Long> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(BronzeBatch.class);

  private final String queryName;
  private final String bronzeTable;
  private final BronzeBatchWriter writer;
  private final BatchArchiving archiving;
  private final AuditLog audit;
  private final HaltAt haltAt;
  private final transient DamagedFilesAside damagedFiles;

  /**
   * Run once, when this query start's first batch begins: what the layers after bronze can prepare
   * while it writes (a run that finds nothing new starts no batch, and prepares nothing).
   */
  private final transient Runnable atFirstBatch;

  private transient boolean started;

  /** The file-source log this query start runs on: Spark's batch ids count from its first batch. */
  private final transient SourceLogGeneration generation;

  /** Run after each batch with Spark's batch id (a new source log may be due). */
  private final transient java.util.function.LongConsumer afterBatch;

  BronzeBatch(
      String queryName,
      String bronzeTable,
      BronzeBatchWriter writer,
      BatchArchiving archiving,
      AuditLog audit,
      HaltAt haltAt,
      DamagedFilesAside damagedFiles,
      Runnable atFirstBatch,
      SourceLogGeneration generation,
      java.util.function.LongConsumer afterBatch) {
    this.generation = generation;
    this.afterBatch = afterBatch;
    this.queryName = queryName;
    this.bronzeTable = bronzeTable;
    this.writer = writer;
    this.archiving = archiving;
    this.audit = audit;
    this.haltAt = haltAt;
    this.damagedFiles = damagedFiles;
    this.atFirstBatch = atFirstBatch;
  }

  @Override
  public void call(Dataset<Row> batch, Long sparkBatchId) throws Exception {
    SparkSession spark = batch.sparkSession();
    long batchId = generation.batchId(sparkBatchId);
    if (!started && atFirstBatch != null) {
      started = true;
      atFirstBatch.run();
    }
    BronzeBatchWriter.Written written = damagedFiles.write(writer, batch, batchId);
    haltAt.haltIfAt(FaultPoint.AFTER_COMMIT, batchId);
    // Only now, with every row of the batch committed, may its files leave the landing folder.
    BatchArchiving.Result archived = archiving.afterCommit(spark, batchId, written.committed());
    written.steps().done("archive");
    audit.append(
        spark,
        new AuditLog.Entry(
            queryName,
            batchId,
            archived.committed().rows(),
            archived.committed().rows(),
            archived.committed().quarantined(),
            archived.committed().warned(),
            archived.files(),
            written.startedAt()));
    written.steps().done("audit");
    written
        .violations()
        .forEach(
            (rule, violations) -> {
              if (violations > 0) {
                LOG.warn(
                    "Query {} batch {}: expectation '{}' not met by {} records (kept)",
                    queryName,
                    batchId,
                    rule,
                    violations);
              }
            });
    LOG.info(
        "Query {} batch {}: {} records to {}, {} quarantined {} in {} ms ({})",
        queryName,
        batchId,
        written.committed().rows(),
        bronzeTable,
        written.quarantined(),
        written.byReason(),
        written.steps().totalMs(),
        written.steps());
    afterBatch.accept(sparkBatchId);
  }
}

package io.lakestream.sink;

import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends one micro-batch to {@code bronze_events}, stamped with {@code _ingested_at} and {@code _batch_id}.
 * Idempotent: the write carries Delta's {@code txnAppId}/{@code txnVersion}, so a batch replayed after a
 * crash between the Delta commit and the checkpoint commit is skipped by Delta instead of duplicated.
 */
public final class BronzeBatchWriter implements VoidFunction2<Dataset<Row>, Long> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(BronzeBatchWriter.class);

  private final String queryName;
  private final String tableIdentifier;
  private final String txnAppId;

  public BronzeBatchWriter(String queryName, String tableIdentifier, String txnAppId) {
    this.queryName = queryName;
    this.tableIdentifier = tableIdentifier;
    this.txnAppId = txnAppId;
  }

  @Override
  public void call(Dataset<Row> batch, Long batchId) {
    batch
        .withColumn(BronzeTable.INGESTED_AT, current_timestamp())
        .withColumn(BronzeTable.BATCH_ID, lit(batchId))
        .write()
        .format("delta")
        .mode("append")
        .option("txnAppId", txnAppId)
        .option("txnVersion", batchId)
        .saveAsTable(tableIdentifier);
    LOG.info("Query {} batch {} written to {} (a replayed batch is skipped by Delta)", queryName, batchId, tableIdentifier);
  }
}

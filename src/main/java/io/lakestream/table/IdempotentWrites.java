package io.lakestream.table;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Delta writes that happen at most once per (application id, version): Delta records the highest
 * version it committed for each {@code txnAppId} in the table's log and skips a write whose version
 * is not higher. Every write lakestream repeats after a crash (a replayed micro-batch, an
 * interrupted outbox flush) goes through here, so a repeat leaves the table as it was.
 */
public final class IdempotentWrites {

  /** The session settings Delta reads for writes that take no options (MERGE). */
  public static final String TXN_APP_ID_CONF = "spark.databricks.delta.write.txnAppId";

  public static final String TXN_VERSION_CONF = "spark.databricks.delta.write.txnVersion";

  private IdempotentWrites() {}

  /**
   * Appends {@code rows} to {@code table} (a catalog name) as transaction {@code version} of {@code
   * appId}.
   */
  public static void append(Dataset<Row> rows, String table, String appId, long version) {
    save(rows, table, SaveMode.Append, appId, version);
  }

  /**
   * Writes {@code rows} to {@code table} with {@code mode} (append or overwrite) as one
   * transaction.
   */
  public static void save(
      Dataset<Row> rows, String table, SaveMode mode, String appId, long version) {
    rows.write()
        .format("delta")
        .mode(mode)
        .option("txnAppId", appId)
        .option("txnVersion", version)
        .saveAsTable(table);
  }

  /**
   * Runs {@code write} (a MERGE, which takes no write options) with the transaction set in the
   * session's settings, and clears them after. Give it the session of a streaming batch: {@code
   * foreachBatch} runs in the query's own clone of the session, so the settings do not reach other
   * queries.
   */
  public static void inSessionTransaction(
      SparkSession session, String appId, long version, Runnable write) {
    session.conf().set(TXN_APP_ID_CONF, appId);
    session.conf().set(TXN_VERSION_CONF, Long.toString(version));
    try {
      write.run();
    } finally {
      session.conf().unset(TXN_APP_ID_CONF);
      session.conf().unset(TXN_VERSION_CONF);
    }
  }
}

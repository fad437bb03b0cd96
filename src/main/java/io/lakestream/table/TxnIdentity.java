package io.lakestream.table;

import java.io.Serializable;

/**
 * How a streaming query's micro-batches are known to Delta, and which of them are new.
 *
 * @param appId the query's Delta {@code txnAppId}: each batch is committed as its {@code
 *     txnVersion}
 * @param firstNewBatch the first batch id this start of the query planned itself. Spark logs a
 *     batch's offsets in the checkpoint before it runs the batch, so a batch id whose offsets were
 *     not logged when the query started was never run by an earlier start: no table can hold it.
 *     {@link Long#MAX_VALUE} when that is not known (every batch may be a replay).
 */
public record TxnIdentity(String appId, long firstNewBatch) implements Serializable {

  /** An id whose every batch may have been written before: each writer asks the table first. */
  public static TxnIdentity withUnknownHistory(String appId) {
    return new TxnIdentity(appId, Long.MAX_VALUE);
  }
}

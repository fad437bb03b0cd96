package io.lakestream.table;

import java.util.Optional;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Appends one streaming query's micro-batches to one table, idempotently, asking Delta whether a
 * batch was committed before only when it may have been.
 *
 * <p>Every append still records ({@code txnAppId}, batch id) in the table's log, as {@link
 * IdempotentWrites} does, so a batch replayed after a crash is skipped. But a replay can only be
 * the first batch a query runs after it starts, or one whose earlier attempt failed: the batch ids
 * that follow a commit this appender made itself cannot have been committed by anyone else (one
 * query owns its {@code txnAppId}, and one run owns the tables). So the appender asks the table
 * once (the highest version it records for the id), remembers every commit it makes, and appends
 * later batches through {@link DeltaTransactionAppend} without the question, which costs Delta 4.3
 * a rebuild of the table's state per commit. It does not even ask once when the first batch is one
 * the query's current start planned itself ({@link TxnIdentity#firstNewBatch()}): no earlier run
 * ran it. After any failure it forgets and asks again.
 *
 * <p>One appender per query start, used from its batch thread only.
 */
public final class BatchAppender {

  private static final long UNKNOWN = Long.MIN_VALUE;

  private final String table;
  private final String appId;

  /**
   * The highest version the table may record for {@link #appId}, as far as this appender knows: a
   * batch above it is new to the table, one at or below it goes through Delta's checking writer.
   */
  private long recorded;

  /** What this appender's last overwrite committed, while it is the table's latest version. */
  private Optional<DeltaTransactionAppend.Overwritten> lastOverwrite = Optional.empty();

  private int lookups;
  private int uncheckedCommits;

  /**
   * @param table the table's catalog identifier
   * @param identity the query's Delta {@code txnAppId}, and which batches its start planned
   */
  public BatchAppender(String table, TxnIdentity identity) {
    this.table = table;
    this.appId = identity.appId();
    this.recorded =
        identity.firstNewBatch() == Long.MAX_VALUE ? UNKNOWN : identity.firstNewBatch() - 1;
  }

  /** Appends {@code rows} as batch {@code batchId}, unless the table already holds that batch. */
  public void append(Dataset<Row> rows, long batchId) {
    long known = recorded;
    recorded = UNKNOWN; // until this append has returned
    if (known == UNKNOWN && DeltaTransactionAppend.usable()) {
      lookups++;
      known =
          DeltaTransactionAppend.recordedVersion(rows.sparkSession(), table, appId).orElse(UNKNOWN);
    }
    if (known == UNKNOWN) {
      // Not answerable here (a vendor's Delta, a catalog other than the session's): Delta checks.
      IdempotentWrites.append(rows, table, appId, batchId);
      return;
    }
    if (batchId <= known) {
      // A replay of a committed batch: Delta's checking writer skips it.
      IdempotentWrites.append(rows, table, appId, batchId);
      recorded = known;
      return;
    }
    if (DeltaTransactionAppend.append(rows, table, appId, batchId)) {
      uncheckedCommits++;
    } else {
      IdempotentWrites.append(rows, table, appId, batchId);
    }
    recorded = batchId;
  }

  /**
   * Appends {@code rows} as batch {@code batchId} and counts them while they are written, when the
   * batch is known to be new to the table: the rows appended (0: nothing committed), or empty when
   * this cannot be done without Delta's check (a possible replay, an unknown history, a Delta this
   * path was not verified against). Then nothing was written: {@link #append} takes the batch.
   */
  public OptionalLong appendCounted(Dataset<Row> rows, long batchId) {
    if (recorded == UNKNOWN || batchId <= recorded || !DeltaTransactionAppend.usable()) {
      return OptionalLong.empty();
    }
    long known = recorded;
    recorded = UNKNOWN; // until this append has returned
    OptionalLong appended = DeltaTransactionAppend.appendCounted(rows, table, appId, batchId);
    if (appended.isPresent()) {
      uncheckedCommits += appended.getAsLong() > 0 ? 1 : 0;
      recorded = batchId;
    } else {
      recorded = known;
    }
    return appended;
  }

  /**
   * Replaces the table's rows with {@code rows} as batch {@code batchId} (complete output mode),
   * counting them while they are written, when the batch is known to be new to the table: the rows
   * written, or empty when this cannot be done without Delta's check (then nothing was written).
   * Without the check an overwrite costs no rebuild of the table's state either, as long as the
   * table is at the version this appender's last overwrite committed: the files to remove are the
   * ones that overwrite added.
   */
  public OptionalLong overwriteCounted(Dataset<Row> rows, long batchId) {
    if (recorded == UNKNOWN || batchId <= recorded || !DeltaTransactionAppend.usable()) {
      return OptionalLong.empty();
    }
    long known = recorded;
    recorded = UNKNOWN; // until this overwrite has returned
    Optional<DeltaTransactionAppend.Overwritten> previous = lastOverwrite;
    lastOverwrite = Optional.empty();
    Optional<DeltaTransactionAppend.Overwritten> overwritten =
        DeltaTransactionAppend.overwriteCounted(rows, table, appId, batchId, previous);
    if (overwritten.isEmpty()) {
      recorded = known;
      return OptionalLong.empty();
    }
    uncheckedCommits++;
    recorded = batchId;
    lastOverwrite = overwritten;
    return OptionalLong.of(overwritten.get().rows());
  }

  /** How often this appender asked the table for its recorded version (for tests). */
  int lookups() {
    return lookups;
  }

  /** How many appends went through without Delta's replay check (for tests). */
  int uncheckedCommits() {
    return uncheckedCommits;
  }
}

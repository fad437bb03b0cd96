package io.lakestream.sink;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.lakestream.archive.CommittedRows;
import io.lakestream.config.Expectation;
import io.lakestream.config.FaultPoint;
import io.lakestream.config.HaltAt;
import io.lakestream.config.QualitySettings;
import io.lakestream.config.SchemaEvolution;
import io.lakestream.contract.NewFields;
import io.lakestream.fs.SessionHadoopConf;
import io.lakestream.stage.QualityRules;
import io.lakestream.table.BatchAppender;
import io.lakestream.table.BronzeTable;
import io.lakestream.table.IdempotentWrites;
import io.lakestream.table.TableOutbox;
import io.lakestream.table.TxnIdentity;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF0;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one ingested micro-batch to its two tables: every record to {@code bronze_events},
 * rejected ones to {@code quarantine_events}, and tells what it committed ({@link Written}). What
 * follows the commit (archiving the batch's files, its {@code audit_batches} row) is composed with
 * this write where the pipeline is wired.
 *
 * <p>The batch arrives classified by {@link QualityRules}. Its JSON is read and parsed once, by the
 * bronze write; nothing is cached. The counts per reason and the rejected rows ({@link
 * RejectedRows}, bounded) are observed during that write ({@link Observation}); the rejected rows
 * wait in the quarantine outbox ({@link TableOutbox}). A replay that Delta skips observes nothing:
 * it reads back what its first attempt committed ({@code _batch_id}, which bronze keeps statistics
 * on), as does a batch with more rejected rows than the bound. Only a {@code fail} expectation
 * needs a look at the batch before anything is written, and only then is the batch read twice.
 *
 * <p>Each write carries Delta's {@code txnAppId}/{@code txnVersion}, so a batch replayed after a
 * crash (for instance between the bronze and the quarantine commit) only writes what is missing;
 * bronze's appends ask Delta whether they were committed before only when they may have been
 * ({@link BatchAppender}).
 */
public final class BronzeBatchWriter implements java.io.Serializable {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(BronzeBatchWriter.class);

  /**
   * Up to this many rejected records a batch go through the outbox; more are written to Delta at
   * once.
   */
  static final long QUARANTINE_OUTBOX_LIMIT = 10_000;

  /** How long a batch waits for the stop that restarts its query with a wider contract. */
  private static final Duration STOP_WAIT = Duration.ofMinutes(2);

  private final String queryName;
  private final QualitySettings quality;
  private final StructType eventSchema;
  private final String bronzeTable;
  private final TableOutbox quarantine;
  private final TxnIdentity txnIdentity;
  private final HaltAt haltAt;
  private final NewFields newFields;

  /**
   * Set once this writer added fields to the contract: the query must restart before its next
   * batch.
   */
  private transient volatile boolean contractGrew;

  private final BronzeCounter counter;

  private final NewFieldsCheck newFieldsCheck;

  /** The runner's: stops this query when the contract grew (see #awaitTheRunnersStop). */
  private final transient QueryStopper stopper;

  /** Appends to bronze_events; made on the driver at the first batch of this query start. */
  private transient BatchAppender bronzeAppender;

  /** At most this many tasks write a batch: the session's cores. */
  private final int writeTasks;

  public BronzeBatchWriter(
      String queryName,
      QualitySettings quality,
      StructType eventSchema,
      String bronzeTable,
      TableOutbox quarantine,
      TxnIdentity txnIdentity,
      HaltAt haltAt,
      NewFields newFields,
      QueryStopper stopper,
      int writeTasks) {
    this.writeTasks = writeTasks;
    this.queryName = queryName;
    this.quality = quality;
    this.eventSchema = eventSchema;
    this.bronzeTable = bronzeTable;
    this.quarantine = quarantine;
    this.txnIdentity = txnIdentity;
    this.haltAt = haltAt;
    this.newFields = newFields;
    this.stopper = stopper;
    this.counter = new BronzeCounter(quality);
    this.newFieldsCheck = new NewFieldsCheck(queryName, eventSchema, newFields);
  }

  /**
   * What a batch committed, to both tables, and when its write started; {@code steps} goes on
   * timing what the caller does next.
   */
  public record Written(
      Instant startedAt,
      CommittedRows committed,
      long quarantined,
      Map<String, Long> byReason,
      Map<String, Long> violations,
      StepTimes steps) {}

  /**
   * Writes the batch to bronze_events and quarantine_events, each idempotently under this query's
   * {@code txnAppId}: a replayed batch writes only what its first attempt did not.
   */
  public Written write(Dataset<Row> batch, long batchId) {
    if (contractGrew) {
      awaitTheRunnersStop(batchId);
    }
    Instant startedAt = Instant.now();
    SparkSession spark = batch.sparkSession();
    // The stream arrives classified by QualityRules (see the app's Topology), with a reason on
    // every rejected record. Batch id and time enter as references, not literals: the code Spark
    // generates for the batch is then the same for every batch and compiled once per run.
    // Spark packs small files into read tasks by their open cost (4 MB each), so a batch of a
    // thousand small files runs in some thirty tasks, and each writes a Parquet file: the table's
    // auto compaction then rewrites bronze every other batch. Coalesced to the cores (no shuffle;
    // never more tasks than the batch had), a batch writes one file per core.
    Dataset<Row> classified =
        batch
            .coalesce(writeTasks)
            .withColumn(
                BronzeTable.INGESTED_AT,
                constant(Timestamp.from(startedAt), DataTypes.TimestampType))
            .withColumn(BronzeTable.BATCH_ID, constant(batchId, DataTypes.LongType));
    StepTimes steps = new StepTimes();
    if (newFields.mode() == SchemaEvolution.FAIL_ON_NEW_COLUMNS) {
      newFieldsCheck.failIfAny(classified, batchId);
    }
    if (quality.enabled()) {
      failOnViolations(classified, batchId);
    }
    Observation observation = new Observation();
    Column[] aggregates = counter.aggregates(quality.enabled());
    Dataset<Row> observed =
        classified.observe(
            observation, aggregates[0], Arrays.copyOfRange(aggregates, 1, aggregates.length));
    bronzeAppender()
        .append(observed.select(BronzeTable.definition(eventSchema).columns()), batchId);
    steps.done("bronze");
    // What bronze holds of this batch; reading it back, not the batch again, keeps the source read
    // once (Spark counts every read of the source in the batch's numInputRows) and a replay
    // consistent with its first attempt.
    java.util.function.Supplier<Dataset<Row>> committedRows =
        () -> spark.table(bronzeTable).where(col(BronzeTable.BATCH_ID).equalTo(batchId));
    BronzeCounter.BatchCounts counts =
        counter
            .observed(observation, "query " + queryName + " batch " + batchId)
            // A replay Delta skipped wrote nothing to observe: count what the first attempt
            // committed.
            .orElseGet(() -> counter.committed(committedRows.get()));
    steps.done("count");
    if (newFields.mode() == SchemaEvolution.ADD_NEW_COLUMNS && counts.rescued() > 0) {
      if (newFieldsCheck.record(spark, batchId, committedRows.get())) {
        haltAt.haltIfAt(FaultPoint.AFTER_CONTRACT_RECORDED, batchId);
        contractGrew = true;
      }
      steps.done("contract");
    }
    if (counts.quarantined() > 0 && quality.enabled() && counts.rejected() != null) {
      // Collected while bronze was written: saved with the batch, appended in bulk (see
      // TableOutbox).
      quarantine.add(SessionHadoopConf.of(spark), batchId, counts.rejected());
      quarantine.flushIfDue(spark);
      steps.done("quarantine");
    } else if (counts.quarantined() > 0 && quality.enabled()) {
      Dataset<Row> rejected = BronzeCounter.quarantineRows(committedRows.get());
      if (counts.quarantined() <= QUARANTINE_OUTBOX_LIMIT) {
        // Few rows: saved with the batch and appended in bulk, one commit fewer per batch (see
        // TableOutbox).
        quarantine.add(SessionHadoopConf.of(spark), batchId, rejected.collectAsList());
        quarantine.flushIfDue(spark);
      } else {
        write(rejected, quarantine.tableIdentifier(), batchId);
      }
      steps.done("quarantine");
    }
    return new Written(
        startedAt,
        // Without the quality rules nothing is written to quarantine_events, so nothing counts as
        // quarantined.
        new CommittedRows(
            counts.rows(), quality.enabled() ? counts.quarantined() : 0, counts.warned()),
        counts.quarantined(),
        counts.byReason(),
        counts.violations(),
        steps);
  }

  /**
   * Stops the query before anything of the batch is written when a {@code fail} expectation is
   * broken.
   */
  private void failOnViolations(Dataset<Row> classified, long batchId) {
    List<Expectation> rules = quality.expectations(Expectation.Action.FAIL);
    if (rules.isEmpty()) {
      return;
    }
    // One pass counts every fail rule; a second read, for an example, only when one is broken.
    Column[] counts =
        rules.stream()
            .map(rule -> count(when(col(QualityRules.VIOLATES_PREFIX + rule.name()), 1)))
            .toArray(Column[]::new);
    Row violated = classified.agg(counts[0], Arrays.copyOfRange(counts, 1, counts.length)).first();
    for (int i = 0; i < rules.size(); i++) {
      Expectation rule = rules.get(i);
      long violations = violated.isNullAt(i) ? 0 : violated.getLong(i);
      if (violations > 0) {
        Row example =
            classified
                .where(col(QualityRules.VIOLATES_PREFIX + rule.name()))
                .select(BronzeTable.RAW_RECORD, BronzeTable.SOURCE_FILE)
                .first();
        throw new ExpectationFailedException(
            "Expectation '"
                + rule.name()
                + "' (fail: "
                + rule.predicate()
                + ") is not met by "
                + violations
                + " records of batch "
                + batchId
                + ", e.g. "
                + example.getString(0)
                + " in "
                + example.getString(1)
                + ". Nothing of this batch was written; fix the data or the rule (quality.expect."
                + rule.name()
                + "), then restart.");
      }
    }
  }

  /**
   * The contract grew in an earlier batch of this query: before this batch writes anything, the
   * runner stops the query, so that the run starts it again with the new columns. The batch's
   * offsets are logged, and the restarted query reads the same files again, typed.
   */
  private void awaitTheRunnersStop(long batchId) {
    LOG.info(
        "Query {} stops before batch {} to restart with the wider event contract",
        queryName,
        batchId);
    stopper.stopFromAnotherThread(queryName);
    try {
      // Waits for the stop, which interrupts this thread; Spark then ends the query as stopped.
      new CountDownLatch(1).await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      throw new UncheckedIOException(
          new InterruptedIOException("stopped to restart with the wider event contract"));
    }
    throw new IllegalStateException(
        "Query "
            + queryName
            + " was not stopped within "
            + STOP_WAIT
            + " to restart with the wider event contract; run again");
  }

  private void write(Dataset<Row> rows, String table, long batchId) {
    IdempotentWrites.append(rows, table, txnIdentity.appId(), batchId);
  }

  private BatchAppender bronzeAppender() {
    if (bronzeAppender == null) {
      bronzeAppender = new BatchAppender(bronzeTable, txnIdentity);
    }
    return bronzeAppender;
  }

  /**
   * A per-batch value as a reference in the generated code (a zero-argument UDF), not an inlined
   * literal.
   */
  private static Column constant(Object value, DataType type) {
    return udf((UDF0<Object>) () -> value, type).asNondeterministic().apply();
  }
}

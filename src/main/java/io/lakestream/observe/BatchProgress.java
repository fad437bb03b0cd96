package io.lakestream.observe;

import io.lakestream.archive.BatchArchiving;
import io.lakestream.enrich.EnrichWithUsers;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * One micro-batch of one query, as lakestream reports it: Spark's progress figures plus the metrics
 * Spark lacks (quarantined and rescued rows from {@link BronzeMetrics}, archived files from the
 * bronze writer, silver events whose user the reference table does not hold from {@link
 * EnrichWithUsers}). Durations and state figures are null when the batch did not have them.
 */
public record BatchProgress(
    String query,
    String runId,
    long batchId,
    Instant timestamp,
    long rowsIn,
    Double inputRowsPerSecond,
    Double processedRowsPerSecond,
    Long durationMs,
    Long addBatchMs,
    Long getBatchMs,
    Long latestOffsetMs,
    Long queryPlanningMs,
    Long walCommitMs,
    Long commitOffsetsMs,
    Long stateRows,
    Long stateMemoryBytes,
    Long lateRowsDropped,
    Long rowsQuarantined,
    Map<String, Long> quarantinedByReason,
    Long rowsRescued,
    Long filesArchived,
    Long filesOutstanding,
    Long bytesOutstanding,
    Long unmatchedEnrichment,
    String progressJson) {

  /** A batch's identity and input rows only, every figure unknown (null). */
  public static BatchProgress withoutFigures(
      String query, String runId, long batchId, Instant timestamp, long rowsIn, String json) {
    return new BatchProgress(
        query, runId, batchId, timestamp, rowsIn, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, json);
  }

  /**
   * A progress event that reports a batch that ran (idle heartbeats repeat the next batch id and
   * ran nothing).
   */
  public static boolean ranABatch(StreamingQueryProgress progress) {
    return progress.durationMs().containsKey("addBatch");
  }

  /**
   * @param batchId lakestream's id of the batch (Spark's, counted from the query's first batch)
   */
  public static BatchProgress from(
      StreamingQueryProgress progress, long batchId, Optional<BatchArchiving.FileCounts> files) {
    Map<String, Long> durations = progress.durationMs();
    Long stateRows = null;
    Long stateMemory = null;
    Long late = null;
    for (StateOperatorProgress operator : progress.stateOperators()) {
      stateRows = plus(stateRows, operator.numRowsTotal());
      stateMemory = plus(stateMemory, operator.memoryUsedBytes());
      late = plus(late, operator.numRowsDroppedByWatermark());
    }
    Row quality = progress.observedMetrics().get(BronzeMetrics.NAME);
    Row enrichment = progress.observedMetrics().get(EnrichWithUsers.METRICS);
    return new BatchProgress(
        progress.name(),
        String.valueOf(progress.runId()),
        batchId,
        Instant.parse(progress.timestamp()),
        progress.numInputRows(),
        finite(progress.inputRowsPerSecond()),
        finite(progress.processedRowsPerSecond()),
        durations.get("triggerExecution"),
        durations.get("addBatch"),
        durations.get("getBatch"),
        durations.get("latestOffset"),
        durations.get("queryPlanning"),
        durations.get("walCommit"),
        durations.get("commitOffsets"),
        stateRows,
        stateMemory,
        late,
        quality == null ? null : BronzeMetrics.quarantined(quality),
        quality == null ? null : BronzeMetrics.byReason(quality),
        quality == null ? null : BronzeMetrics.rescued(quality),
        files.map(BatchArchiving.FileCounts::archived).orElse(null),
        files.map(BatchArchiving.FileCounts::filesOutstanding).orElse(null),
        files.map(BatchArchiving.FileCounts::bytesOutstanding).orElse(null),
        enrichment == null ? null : enrichment.<Long>getAs(EnrichWithUsers.UNMATCHED),
        progress.json());
  }

  private static Long plus(Long sum, long value) {
    return sum == null ? value : sum + value;
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}

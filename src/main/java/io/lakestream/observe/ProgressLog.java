package io.lakestream.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One concise log line per batch per query, and a line when a query starts and ends. Rows older
 * than the watermark make the line a WARN: late data is never dropped silently.
 */
public final class ProgressLog implements ProgressSink {

  private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);

  @Override
  public void queryStarted(String query) {
    LOG.info("Query {} started", query);
  }

  @Override
  public void batchDone(BatchProgress p) {
    String line = line(p);
    if (p.lateRowsDropped() != null && p.lateRowsDropped() > 0) {
      LOG.warn("{}", line);
    } else {
      LOG.info("{}", line);
    }
  }

  @Override
  public void queryEnded(String query, String error) {
    if (error == null) {
      LOG.info("Query {} ended", query);
    } else {
      LOG.error("Query {} failed: {}", query, error.lines().findFirst().orElse(error));
    }
  }

  /**
   * E.g. {@code bronze_events #3: 150 rows in (52.1/s in, 61.0/s done) in 2460 ms [addBatch 2100,
   * ...], quarantined 5}.
   */
  static String line(BatchProgress p) {
    List<String> parts = new ArrayList<>();
    parts.add(
        String.format(
            Locale.ROOT,
            "%s #%d: %d rows in (%s/s in, %s/s done) in %s ms [addBatch %s, getBatch %s, latestOffset %s, planning %s, walCommit %s, commit %s]",
            p.query(),
            p.batchId(),
            p.rowsIn(),
            rate(p.inputRowsPerSecond()),
            rate(p.processedRowsPerSecond()),
            value(p.durationMs()),
            value(p.addBatchMs()),
            value(p.getBatchMs()),
            value(p.latestOffsetMs()),
            value(p.queryPlanningMs()),
            value(p.walCommitMs()),
            value(p.commitOffsetsMs())));
    if (p.stateRows() != null) {
      parts.add(
          String.format(
              Locale.ROOT,
              "state %d rows / %.1f MB",
              p.stateRows(),
              p.stateMemoryBytes() / 1048576.0));
      parts.add("late dropped " + p.lateRowsDropped());
    }
    if (p.rowsQuarantined() != null) {
      parts.add(
          "quarantined "
              + p.rowsQuarantined()
              + (p.rowsQuarantined() > 0 ? " " + p.quarantinedByReason() : "")
              + ", rescued "
              + p.rowsRescued());
    }
    if (p.filesArchived() != null) {
      parts.add("files archived " + p.filesArchived());
    }
    if (p.filesOutstanding() != null) {
      parts.add(
          String.format(
              Locale.ROOT,
              "waiting %d files / %.1f MB",
              p.filesOutstanding(),
              p.bytesOutstanding() / 1048576.0));
    }
    if (p.unmatchedEnrichment() != null) {
      parts.add("unmatched enrichment " + p.unmatchedEnrichment());
    }
    return String.join(", ", parts);
  }

  private static String rate(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.1f", value);
  }

  private static String value(Long value) {
    return value == null ? "-" : String.valueOf(value);
  }
}

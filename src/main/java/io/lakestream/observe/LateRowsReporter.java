package io.lakestream.observe;

import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports, per micro-batch, the rows a stateful query dropped because they were older than its watermark
 * (Spark counts them in the batch's progress but says nothing). Late data is never dropped silently.
 */
public final class LateRowsReporter extends StreamingQueryListener {

  private static final Logger LOG = LoggerFactory.getLogger(LateRowsReporter.class);

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    long dropped = 0;
    for (StateOperatorProgress operator : event.progress().stateOperators()) {
      dropped += operator.numRowsDroppedByWatermark();
    }
    if (dropped > 0) {
      LOG.warn(
          "Query {} batch {}: {} rows older than the watermark ({}) were not processed",
          event.progress().name(),
          event.progress().batchId(),
          dropped,
          event.progress().eventTime().get("watermark"));
    }
  }

  @Override
  public void onQueryIdle(QueryIdleEvent event) {}

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}
}

package io.lakestream.stage;

import io.lakestream.config.Durations;
import io.lakestream.config.LakestreamConfig;
import java.time.Duration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Keeps the first copy of each {@code event_id}, within files, across files, micro-batches and
 * restarts (the seen ids live in the query's checkpointed state), with {@code
 * dropDuplicatesWithinWatermark}.
 *
 * <p>State is bounded by a watermark that trails the latest event_time by the dedup horizon: an id
 * is forgotten once the watermark passes its first copy's event_time plus the horizon. Any copy
 * arriving after that has an event_time older than the watermark, so Spark drops it as late data
 * and counts it ({@code numRowsDroppedByWatermark}, reported in the run summary): it never reaches
 * silver twice. The horizon is deliberately longer than the aggregation watermark, so silver keeps
 * late events that the gold windows no longer accept.
 */
public final class Deduplicate implements Stage {

  private final Duration horizon;

  public Deduplicate(Duration horizon) {
    this.horizon = horizon;
  }

  @Override
  public Dataset<Row> apply(Dataset<Row> events) {
    return events
        .withWatermark(LakestreamConfig.EVENT_TIME, Durations.sparkInterval(horizon))
        .dropDuplicatesWithinWatermark(LakestreamConfig.EVENT_ID);
  }
}

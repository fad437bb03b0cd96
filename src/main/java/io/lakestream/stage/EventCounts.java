package io.lakestream.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.window;

import io.lakestream.config.AggregationSettings;
import io.lakestream.config.Durations;
import io.lakestream.config.LakestreamConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Events per event-time window and type: count, distinct users and amount, with a watermark so that
 * a window's state is dropped once the watermark passes its end (and, in append mode, the window is
 * written then, once and final). Events older than the watermark are not counted; Spark reports
 * them as {@code numRowsDroppedByWatermark}.
 */
public final class EventCounts implements Stage {

  private final AggregationSettings settings;

  public EventCounts(AggregationSettings settings) {
    this.settings = settings;
  }

  @Override
  public Dataset<Row> apply(Dataset<Row> silver) {
    Column eventTime = col(LakestreamConfig.EVENT_TIME);
    String size = Durations.sparkInterval(settings.windowSize());
    Column window =
        settings
            .windowSlide()
            .map(slide -> window(eventTime, size, Durations.sparkInterval(slide)))
            .orElse(window(eventTime, size));
    return silver
        .withWatermark(
            LakestreamConfig.EVENT_TIME, Durations.sparkInterval(settings.watermarkDelay()))
        .groupBy(window.as("window"), col(LakestreamConfig.EVENT_TYPE))
        .agg(
            count(lit(1)).as("event_count"),
            // Exact distinct users: countDistinct is not supported on streams, a per-window set is.
            size(collect_set(col(LakestreamConfig.USER_ID))).cast("bigint").as("distinct_users"),
            Amounts.total(silver).as("total_amount"))
        .select(
            col("window.start").as("window_start"),
            col("window.end").as("window_end"),
            col(LakestreamConfig.EVENT_TYPE),
            col("event_count"),
            col("distinct_users"),
            col("total_amount"));
  }
}

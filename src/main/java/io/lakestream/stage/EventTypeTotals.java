package io.lakestream.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.lakestream.config.LakestreamConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Running totals per event type over all time: no watermark, so only complete or update mode apply.
 */
public final class EventTypeTotals implements Stage {

  @Override
  public Dataset<Row> apply(Dataset<Row> silver) {
    return silver
        .groupBy(col(LakestreamConfig.EVENT_TYPE))
        .agg(count(lit(1)).as("event_count"), Amounts.total(silver).as("total_amount"));
  }
}

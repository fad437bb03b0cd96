package io.lakestream.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_date;

import io.lakestream.config.LakestreamConfig;
import io.lakestream.table.Tables;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Derives {@code event_date}, the UTC date of {@code event_time}: silver's partition column. */
public final class AddEventDate implements Stage {

  @Override
  public Dataset<Row> apply(Dataset<Row> events) {
    // The session time zone is UTC, so this is the UTC calendar date whatever the machine's zone.
    return events.withColumn(Tables.EVENT_DATE, to_date(col(LakestreamConfig.EVENT_TIME)));
  }
}

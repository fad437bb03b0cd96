package io.lakestream.stage;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The {@code amount} column as a DOUBLE, or null when the event schema has none. */
final class Amounts {

  static final String AMOUNT = io.lakestream.config.LakestreamConfig.AMOUNT;

  private Amounts() {}

  /** The sum of the amounts; 0 when no event carried one, as in gold_user_sessions. */
  static Column total(Dataset<Row> events) {
    return coalesce(sum(of(events)), lit(0.0));
  }

  static Column of(Dataset<Row> events) {
    boolean present = Arrays.asList(events.columns()).contains(AMOUNT);
    // try_cast: the contract types amount as a number, but a contract stored by an older
    // lakestream may hold it as STRING, and a cast that throws on one value fails every run.
    return (present ? col(AMOUNT) : lit(null)).try_cast("double");
  }
}

package io.lakestream.enrich;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.lakestream.config.LakestreamConfig;
import io.lakestream.stage.Stage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Adds the users reference table's columns to each event: a LEFT join on the normalized {@code
 * user_id} with the table's latest committed version, read again by every micro-batch (a
 * stream-static join plans its static side anew each batch). An event whose user the table does not
 * hold is kept with nulls, and counted: the batch's {@code
 * observedMetrics["silver_enrichment"].unmatched}. Spark broadcasts the table when it is below
 * {@code spark.sql.autoBroadcastJoinThreshold} (10 MB by default), so a small table costs no
 * shuffle.
 */
public final class EnrichWithUsers implements Stage {

  public static final String METRICS = "silver_enrichment";
  public static final String UNMATCHED = "unmatched";

  private final UsersReference reference;

  public EnrichWithUsers(UsersReference reference) {
    this.reference = reference;
  }

  @Override
  public Dataset<Row> apply(Dataset<Row> events) {
    Dataset<Row> users = reference.latest();
    Dataset<Row> joined =
        events.join(
            users,
            events.col(LakestreamConfig.USER_ID).equalTo(users.col(UsersReference.JOIN_KEY)),
            "left_outer");
    return joined
        .observe(
            METRICS,
            count(lit(1)).as("events"),
            count(when(col(UsersReference.MATCHED).isNull(), 1)).as(UNMATCHED))
        .drop(UsersReference.JOIN_KEY, UsersReference.MATCHED);
  }
}

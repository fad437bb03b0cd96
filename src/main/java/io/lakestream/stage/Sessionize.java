package io.lakestream.stage;

import static org.apache.spark.sql.functions.col;

import io.lakestream.config.AggregationSettings;
import io.lakestream.config.Durations;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.stage.session.SessionState;
import io.lakestream.stage.session.SessionUpdater;
import io.lakestream.stage.session.UserSession;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;

/**
 * Sessions per user with {@code groupByKey} + {@code flatMapGroupsWithState} and an event-time
 * timeout: a session ends after {@code sessions.gap} of inactivity and is emitted once, when the
 * watermark closes it. See {@link SessionUpdater} for the state machine.
 */
public final class Sessionize implements Stage {

  private final AggregationSettings settings;

  public Sessionize(AggregationSettings settings) {
    this.settings = settings;
  }

  @Override
  public Dataset<Row> apply(Dataset<Row> silver) {
    Dataset<Row> input =
        silver
            .select(
                col(LakestreamConfig.USER_ID),
                col(LakestreamConfig.EVENT_TYPE),
                col(LakestreamConfig.EVENT_TIME),
                Amounts.of(silver).as(Amounts.AMOUNT))
            .withWatermark(
                LakestreamConfig.EVENT_TIME, Durations.sparkInterval(settings.watermarkDelay()));
    Dataset<UserSession> sessions =
        input
            .groupByKey(
                (MapFunction<Row, String>) row -> row.getAs(LakestreamConfig.USER_ID),
                Encoders.STRING())
            .flatMapGroupsWithState(
                new SessionUpdater(settings.sessionGap().toMillis()),
                OutputMode.Append(),
                Encoders.bean(SessionState.class),
                Encoders.bean(UserSession.class),
                GroupStateTimeout.EventTimeTimeout());
    return sessions.select(
        col("userId").as("user_id"),
        col("sessionStart").as("session_start"),
        col("sessionEnd").as("session_end"),
        col("eventCount").as("event_count"),
        col("eventTypes").as("event_types"),
        col("totalAmount").as("total_amount"));
  }
}

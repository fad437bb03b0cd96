package io.lakestream.sink;

import io.lakestream.config.LakestreamConfig;
import io.lakestream.config.SinkKind;
import io.lakestream.fs.HadoopFiles;
import io.lakestream.table.SchedulerPools;
import io.lakestream.table.TxnIdentity;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Starts a named streaming query with the configured trigger and sink. To Delta, the query writes
 * through a foreachBatch writer and keeps its checkpoint in {@code <volume.checkpoints>/<query
 * name>}; to the console or memory (debugging, tests) it uses a throwaway checkpoint, so such a run
 * always starts fresh.
 */
public final class StreamStarter {

  private final SparkSession spark;
  private final LakestreamConfig config;

  public StreamStarter(SparkSession spark, LakestreamConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /**
   * @param deltaWriter makes the foreachBatch writer from the query's Delta {@code txnAppId} and
   *     first new batch
   * @param queryConf session settings for this query only (Spark copies the session's conf into a
   *     query when it starts); the session's own values are put back right after
   * @param sparkCheckpoint where Spark's checkpoint is, if not in the query's checkpoint folder
   * @param trigger the trigger of this start, if not the configured one
   */
  public StreamingQuery start(
      String queryName,
      Dataset<Row> stream,
      OutputMode outputMode,
      Function<TxnIdentity, VoidFunction2<Dataset<Row>, Long>> deltaWriter,
      Map<String, String> queryConf,
      java.util.Optional<SparkCheckpoint> sparkCheckpoint,
      java.util.Optional<Trigger> trigger)
      throws TimeoutException {
    synchronized (spark) {
      // Each query's jobs in a scheduler pool of its own: under spark.scheduler.mode=FAIR
      // (conf/local.properties, Databricks' default) a small job of one query, such as bronze's
      // bookkeeping append, takes the next free core instead of queueing behind every task of the
      // other queries' jobs, as FIFO makes it. The stream's thread inherits the property from this
      // one when the query starts.
      String previousPool = SchedulerPools.use(spark, queryName);
      Map<String, Optional<String>> sessionValues = new HashMap<>();
      queryConf.forEach(
          (name, value) -> {
            sessionValues.put(name, Optional.ofNullable(spark.conf().get(name, null)));
            spark.conf().set(name, value);
          });
      try {
        return startWithSessionConf(
            queryName, stream, outputMode, deltaWriter, sparkCheckpoint, trigger);
      } finally {
        sessionValues.forEach(
            (name, value) ->
                value.ifPresentOrElse(
                    v -> spark.conf().set(name, v), () -> spark.conf().unset(name)));
        SchedulerPools.use(spark, previousPool);
      }
    }
  }

  private StreamingQuery startWithSessionConf(
      String queryName,
      Dataset<Row> stream,
      OutputMode outputMode,
      Function<TxnIdentity, VoidFunction2<Dataset<Row>, Long>> deltaWriter,
      java.util.Optional<SparkCheckpoint> sparkCheckpoint,
      java.util.Optional<Trigger> trigger)
      throws TimeoutException {
    DataStreamWriter<Row> writer =
        stream
            .writeStream()
            .queryName(queryName)
            .outputMode(outputMode)
            .trigger(trigger.orElseGet(() -> config.trigger().toSparkTrigger()));
    SinkKind sink = config.sinkOf(queryName);
    switch (sink) {
      case DELTA -> {
        String checkpoint = config.volume().checkpointFor(queryName);
        SparkCheckpoint location = sparkCheckpoint.orElse(new SparkCheckpoint(checkpoint, 0));
        HadoopFiles files = new HadoopFiles(spark);
        files.mkdirs(checkpoint);
        writer
            .option("checkpointLocation", location.folder())
            .foreachBatch(
                deltaWriter.apply(TxnIdentityFile.loadOrCreate(files, checkpoint, location)));
      }
      case CONSOLE -> writer.format("console").option("truncate", "false").option("numRows", "100");
      case MEMORY -> writer.format("memory");
    }
    return writer.start();
  }
}

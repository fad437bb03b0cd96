package io.lakestream.app;

import io.lakestream.config.LakestreamConfig.Layer;
import io.lakestream.stage.Stage;
import io.lakestream.table.TxnIdentity;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.OutputMode;

/**
 * One streaming query of the pipeline, before it starts: where it reads, the stages its rows go
 * through, how Spark emits them and what writes each micro-batch. {@link Topology} makes the plans,
 * {@link Pipeline} starts and awaits them.
 *
 * @param source the stream to read; called when the query starts, so it sees the tables as set up
 * @param writer makes the foreachBatch writer from the query's Delta {@code txnAppId} and first new
 *     batch
 * @param queryConf session settings for this query only (e.g. the state store's)
 * @param sparkCheckpoint where Spark's checkpoint is, if not in the query's checkpoint folder
 * @param trigger the trigger of this start, if not the configured one
 */
record QueryPlan(
    String name,
    Layer layer,
    Supplier<Dataset<Row>> source,
    Stage stages,
    OutputMode outputMode,
    Function<TxnIdentity, VoidFunction2<Dataset<Row>, Long>> writer,
    Map<String, String> queryConf,
    java.util.Optional<io.lakestream.sink.SparkCheckpoint> sparkCheckpoint,
    java.util.Optional<org.apache.spark.sql.streaming.Trigger> trigger) {

  QueryPlan(
      String name,
      Layer layer,
      Supplier<Dataset<Row>> source,
      Stage stages,
      OutputMode outputMode,
      Function<TxnIdentity, VoidFunction2<Dataset<Row>, Long>> writer,
      Map<String, String> queryConf) {
    this(
        name,
        layer,
        source,
        stages,
        outputMode,
        writer,
        queryConf,
        java.util.Optional.empty(),
        java.util.Optional.empty());
  }

  /** The source read and every stage applied: the DataFrame the query writes. */
  Dataset<Row> stream() {
    return stages.apply(source.get());
  }
}

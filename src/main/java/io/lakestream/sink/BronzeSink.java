package io.lakestream.sink;

import io.lakestream.config.LakestreamConfig;
import io.lakestream.stage.HadoopFiles;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/** Starts the streaming query that appends ingested rows to {@code bronze_events}, with its own checkpoint. */
public final class BronzeSink {

  public static final String QUERY_NAME = "bronze_events";

  private final SparkSession spark;
  private final LakestreamConfig config;

  public BronzeSink(SparkSession spark, LakestreamConfig config) {
    this.spark = spark;
    this.config = config;
  }

  public StreamingQuery start(Dataset<Row> ingested) throws TimeoutException {
    String checkpoint = config.volume().checkpointFor(QUERY_NAME);
    HadoopFiles files = new HadoopFiles(spark);
    files.mkdirs(checkpoint);
    String txnAppId = SinkIdentity.loadOrCreate(files, checkpoint);
    String table = new DeltaTables(spark, config.catalog(), config.volume()).identifier(BronzeTable.NAME);
    return ingested
        .writeStream()
        .queryName(QUERY_NAME)
        .option("checkpointLocation", checkpoint)
        .trigger(config.trigger().toSparkTrigger())
        .foreachBatch(new BronzeBatchWriter(QUERY_NAME, table, txnAppId))
        .start();
  }
}

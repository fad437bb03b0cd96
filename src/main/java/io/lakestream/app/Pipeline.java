package io.lakestream.app;

import io.lakestream.config.LakestreamConfig;
import io.lakestream.sink.BronzeSink;
import io.lakestream.sink.BronzeTable;
import io.lakestream.sink.TableDefinition;
import io.lakestream.stage.JsonIngest;
import io.lakestream.stage.VolumeSetup;
import io.lakestream.trigger.TriggerSpec;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the stages into streaming queries and runs them: volume setup, then JSON ingest to bronze. With a
 * draining trigger (availableNow) it returns when the input is drained; otherwise it runs until a query
 * stops or fails.
 */
public final class Pipeline {

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final SparkSession spark;
  private final LakestreamConfig config;

  public Pipeline(SparkSession spark, LakestreamConfig config) {
    this.spark = spark;
    this.config = config;
  }

  public List<TableDefinition> tables() {
    return List.of(BronzeTable.definition(config.ingest().eventSchema()));
  }

  /** Prepares the volume and tables; safe to call any number of times. */
  public void setUp() {
    new VolumeSetup(spark, config, tables()).run();
  }

  /**
   * Runs the pipeline and returns the summary of the tables afterwards.
   *
   * @throws QueryFailedException if a query fails; its message names the query
   */
  public RunSummary run() throws TimeoutException {
    Instant startedAt = Instant.now();
    setUp();
    if (config.trigger() instanceof TriggerSpec.AvailableNow availableNow && availableNow.requestedAsOnce()) {
      LOG.warn("trigger=once is deprecated by Spark; running as availableNow, which drains in rate-limited batches");
    }
    JsonIngest ingest = new JsonIngest(config.volume().landing(), config.ingest());
    StreamingQuery bronze = new BronzeSink(spark, config).start(ingest.read(spark));
    LOG.info("Started query {} (id {}) with trigger {}", bronze.name(), bronze.id(), config.trigger());
    try {
      bronze.awaitTermination();
    } catch (StreamingQueryException e) {
      throw new QueryFailedException(bronze.name(), e);
    } finally {
      if (bronze.isActive()) {
        bronze.stop();
      }
    }
    LOG.info("Query {} finished", bronze.name());
    return RunSummary.collect(spark, config, startedAt);
  }
}

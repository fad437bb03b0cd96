package io.lakestream.app;

import io.lakestream.config.LakestreamConfig;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/** A finished run: its queries and start time. The summary is computed on request: it reads the tables. */
public record PipelineRun(SparkSession spark, LakestreamConfig config, Instant startedAt, List<StreamingQuery> queries) {

  public PipelineRun {
    queries = List.copyOf(queries);
  }

  public RunSummary summary() {
    return RunSummary.collect(spark, config, startedAt, queries);
  }
}

package io.lakestream.app;

import io.lakestream.config.LakestreamConfig;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * A finished run: its queries, start time and the files found back under an ingested name (at
 * start-up too, when no batch ran). The summary is computed on request: it reads the tables.
 */
public record PipelineRun(
    SparkSession spark,
    LakestreamConfig config,
    Instant startedAt,
    List<StreamingQuery> queries,
    long filesReappeared,
    long progressRowsNotWritten) {

  public PipelineRun {
    queries = List.copyOf(queries);
  }

  public RunSummary summary() {
    return RunSummary.collect(
        spark, config, startedAt, queries, filesReappeared, progressRowsNotWritten);
  }

  PipelineRun withProgressRowsNotWritten(long rows) {
    return new PipelineRun(spark, config, startedAt, queries, filesReappeared, rows);
  }
}

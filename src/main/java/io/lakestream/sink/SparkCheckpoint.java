package io.lakestream.sink;

/**
 * Where a query's Spark checkpoint is, when not the query's own checkpoint folder, and lakestream's
 * id of Spark's batch 0 there (bronze after a new file-source log, see {@code
 * source.SourceLogGeneration}).
 */
public record SparkCheckpoint(String folder, long firstBatchId) {}

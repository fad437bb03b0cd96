package io.lakestream.config;

/**
 * Where a query writes: its Delta table, the console, or an in-memory table named after the query.
 */
public enum SinkKind {
  DELTA,
  CONSOLE,
  MEMORY
}

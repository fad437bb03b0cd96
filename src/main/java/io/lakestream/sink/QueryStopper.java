package io.lakestream.sink;

/**
 * Stops a running query by name from a thread of the runner's own (a query cannot stop itself from
 * its batch: Spark's {@code stop()} waits for the batch to end). The stop interrupts the query's
 * batch, which Spark then ends as stopped, not failed.
 */
@FunctionalInterface
public interface QueryStopper {
  void stopFromAnotherThread(String queryName);
}

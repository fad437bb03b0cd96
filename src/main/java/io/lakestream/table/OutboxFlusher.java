package io.lakestream.table;

import org.apache.spark.sql.SparkSession;

/**
 * One daemon thread for the due flushes of every outbox, so they queue rather than compete. It does
 * not inherit the Spark local properties of the batch thread that first needs it (the query's job
 * group, which stopping the query cancels, and its SQL execution id); its jobs run in a scheduler
 * pool of their own.
 */
final class OutboxFlusher {
  static final OutboxFlusher INSTANCE = new OutboxFlusher();

  private final java.util.concurrent.ExecutorService executor =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(null, runnable, "lakestream-outbox-flush", 0, false);
            thread.setDaemon(true);
            return thread;
          });

  private OutboxFlusher() {}

  void submit(SparkSession spark, Runnable flush) {
    executor.execute(
        () -> {
          SchedulerPools.use(spark, SchedulerPools.BOOKKEEPING);
          flush.run();
        });
  }

  void awaitQueued() {
    try {
      executor.submit(() -> {}).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}

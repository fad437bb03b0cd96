package io.lakestream.app;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.util.ShutdownHookManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and Ctrl-C into a clean stop: the hook asks the pipeline to stop its queries, then
 * waits until the main thread has printed the summary and stopped Spark, so the JVM exits only
 * after that.
 *
 * <p>The hook is registered with Hadoop's {@link ShutdownHookManager} at a priority above Spark's
 * own hooks (which stop the SparkContext), so the queries stop before Spark does rather than fail
 * under it.
 */
final class GracefulStop implements AutoCloseable {

  /** Above Spark's hook manager (Hadoop priority 40), which stops the SparkContext. */
  static final int PRIORITY = 100;

  static final long WAIT_SECONDS = 120;

  private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

  private final Runnable hook;
  private final CountDownLatch mainDone;

  private GracefulStop(Runnable hook, CountDownLatch mainDone) {
    this.hook = hook;
    this.mainDone = mainDone;
  }

  /** Nothing to install: on Databricks the job's cancel stops the queries. */
  static GracefulStop none() {
    return new GracefulStop(null, new CountDownLatch(0));
  }

  static GracefulStop install(Pipeline pipeline) {
    CountDownLatch mainDone = new CountDownLatch(1);
    Runnable hook =
        () -> {
          LOG.warn(
              "Shutdown signal: stopping every query (a batch cut short is replayed next run)");
          pipeline.requestStop();
          try {
            if (!mainDone.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
              LOG.warn("The run did not finish within {} s of the stop request", WAIT_SECONDS);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    GracefulStop stop = new GracefulStop(hook, mainDone);
    ShutdownHookManager.get().addShutdownHook(hook, PRIORITY, WAIT_SECONDS + 10, TimeUnit.SECONDS);
    return stop;
  }

  /** The run is over: release a waiting hook, or unregister it if no shutdown is under way. */
  @Override
  public void close() {
    mainDone.countDown();
    if (hook != null && !ShutdownHookManager.get().isShutdownInProgress()) {
      ShutdownHookManager.get().removeShutdownHook(hook);
    }
  }
}

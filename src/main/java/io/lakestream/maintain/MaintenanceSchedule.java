package io.lakestream.maintain;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance inside a long run (maintain.interval): a background thread runs a pass without
 * compaction every interval, off the batch path. A failed pass is logged and the next one tries
 * again: maintenance never stops the pipeline. Closing waits for a pass under way, so the run ends
 * with no Spark job of its own still running.
 */
public final class MaintenanceSchedule implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceSchedule.class);
  private static final Duration CLOSE_WAIT = Duration.ofMinutes(2);

  private final ScheduledExecutorService executor;

  private MaintenanceSchedule(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  /** A schedule that does nothing: a draining run, or maintain.interval=off. */
  public static MaintenanceSchedule none() {
    return new MaintenanceSchedule(null);
  }

  public static MaintenanceSchedule every(Duration interval, Maintenance maintenance) {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "lakestream-maintenance");
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(
        () -> pass(maintenance), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info(
        "Maintaining the tables every {} s in the background (maintain.interval)",
        interval.toSeconds());
    return new MaintenanceSchedule(executor);
  }

  private static void pass(Maintenance maintenance) {
    long started = System.nanoTime();
    try {
      MaintenanceReport report = maintenance.passDuringRun();
      LOG.info(
          "Maintenance pass done in {} ms:\n{}",
          (System.nanoTime() - started) / 1_000_000,
          report.render());
    } catch (RuntimeException e) { // the next pass tries again; the queries go on
      LOG.warn(
          "Maintenance pass failed after {} ms; the next pass tries again",
          (System.nanoTime() - started) / 1_000_000,
          e);
    }
  }

  @Override
  public void close() {
    if (executor == null) {
      return;
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "A maintenance pass still runs after {} s; interrupting it", CLOSE_WAIT.toSeconds());
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

package io.lakestream.table;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a few independent Spark-side tasks (table set-up, outbox flushes) side by side and waits for
 * all.
 */
public final class Concurrently {

  private Concurrently() {}

  /**
   * The tasks' results in their order; the first failure is rethrown as it was (a RuntimeException)
   * once it is reached, and the tasks still running are interrupted.
   */
  public static <T> List<T> all(String what, List<Callable<T>> tasks) {
    if (tasks.size() == 1) {
      try {
        return java.util.Collections.singletonList(tasks.get(0).call());
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, tasks.size()));
    try {
      List<Future<T>> pending = new ArrayList<>();
      tasks.forEach(task -> pending.add(pool.submit(task)));
      List<T> results = new ArrayList<>();
      for (Future<T> task : pending) {
        results.add(task.get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while " + what, e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime
          ? runtime
          : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}

package io.lakestream.observe;

/**
 * Somewhere per-batch progress goes: the log, the {@code pipeline_progress} table, the terminal.
 */
public interface ProgressSink {

  default void queryStarted(String query) {}

  void batchDone(BatchProgress progress);

  /**
   * @param error the failure's message, or null when the query stopped normally
   */
  default void queryEnded(String query, String error) {}
}

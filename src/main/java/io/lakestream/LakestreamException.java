package io.lakestream;

/**
 * A failure lakestream explains itself: the message is written for the user (it names the key,
 * query, file or table and what to do), and the exception says with which exit status the app ends.
 * The app prints the message and the advice, without a stack trace for the user's mistakes; any
 * other exception is a failure of the pipeline (exit 1) and is logged whole.
 */
public abstract class LakestreamException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Exit statuses of {@code LakestreamApp}. */
  public static final int OK = 0;

  public static final int FAILED = 1;

  public static final int BAD_USAGE = 2;

  public static final int ALREADY_RUNNING = 3;

  /** A layer cannot read on where it stopped: retention deleted upstream history it needs. */
  public static final int HISTORY_GONE = 4;

  protected LakestreamException(String message) {
    super(message);
  }

  protected LakestreamException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The status the app exits with when this ends a run. */
  public abstract int exitStatus();

  /** A line printed after the message (where to look next), or empty. */
  public String advice() {
    return "";
  }

  /**
   * Whether the log should keep the stack trace: for failures of the pipeline, not for the user's
   * mistakes.
   */
  public boolean logStackTrace() {
    return exitStatus() == FAILED;
  }
}

package io.lakestream.app;

import io.lakestream.LakestreamException;

/** A streaming query of the pipeline failed; the message names the query and the root cause. */
public final class QueryFailedException extends LakestreamException {

  public QueryFailedException(String queryName, Throwable failure) {
    super("query '" + queryName + "' failed: " + rootCause(failure), failure);
  }

  @Override
  public int exitStatus() {
    return FAILED;
  }

  private static String rootCause(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.toString();
  }
}

package io.lakestream.sink;

import io.lakestream.LakestreamException;

/** A {@code fail} expectation was violated: the query stops before writing the batch. */
public final class ExpectationFailedException extends LakestreamException {

  public ExpectationFailedException(String message) {
    super(message);
  }

  @Override
  public int exitStatus() {
    return FAILED;
  }
}

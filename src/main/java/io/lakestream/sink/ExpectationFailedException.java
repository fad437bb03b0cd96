package io.lakestream.sink;

/** A {@code fail} expectation was violated: the query stops before writing the batch. */
public final class ExpectationFailedException extends RuntimeException {

  public ExpectationFailedException(String message) {
    super(message);
  }
}

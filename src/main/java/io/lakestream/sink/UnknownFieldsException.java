package io.lakestream.sink;

/** With ingest.schema_evolution=fail_on_new_columns, a batch held fields outside the contract: nothing was written. */
public final class UnknownFieldsException extends RuntimeException {

  public UnknownFieldsException(String message) {
    super(message);
  }
}

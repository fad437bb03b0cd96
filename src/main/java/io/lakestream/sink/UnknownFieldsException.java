package io.lakestream.sink;

import io.lakestream.LakestreamException;

/**
 * With ingest.schema_evolution=fail_on_new_columns, a batch held fields outside the contract:
 * nothing was written.
 */
public final class UnknownFieldsException extends LakestreamException {

  public UnknownFieldsException(String message) {
    super(message);
  }

  @Override
  public int exitStatus() {
    return FAILED;
  }
}

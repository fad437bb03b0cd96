package io.lakestream.config;

/**
 * What the ingest does with a field that is not in {@code ingest.schema} (named after Auto Loader's
 * modes).
 */
public enum SchemaEvolution {
  /**
   * Add it to the contract as a nullable column: the batch that first carries it keeps its values
   * in {@code _rescued_data}; the field is recorded beside the bronze checkpoint, the tables gain
   * the column and the queries restart, so from the next batch on it is a typed column.
   */
  ADD_NEW_COLUMNS,
  /**
   * Keep it, as sent, in {@code _rescued_data}; the contract changes only when the user edits
   * ingest.schema.
   */
  RESCUE,
  /**
   * Stop the bronze query before writing the batch, naming the field, its first file and the batch.
   */
  FAIL_ON_NEW_COLUMNS,
  /** Ignore it: not rescued. */
  NONE
}

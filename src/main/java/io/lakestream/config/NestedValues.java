package io.lakestream.config;

/** What a JSON object or array in an event becomes ({@code ingest.nested}). */
public enum NestedValues {
  /** A STRING column holding its JSON text. */
  STRING,
  /**
   * A VARIANT column (Spark 4, Delta's variantType table feature), queried with {@code
   * variant_get}: declared objects and arrays, inferred ones, and new ones added by {@code
   * add_new_columns}.
   */
  VARIANT
}

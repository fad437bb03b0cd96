package io.lakestream.config;

/** How the landing files hold their records (Auto Loader's {@code multiLine} choice). */
public enum IngestFormat {
  /** One JSON object per line; a bad line is one quarantined record. */
  JSON_LINES,
  /**
   * JSON values: one object, an array of objects, or several objects in a row, each possibly over
   * many lines. Each object is a record; the file is read as a stream, never whole.
   */
  JSON
}

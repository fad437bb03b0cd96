package io.lakestream.config;

/**
 * A named point in a micro-batch where the crash tests stop the JVM dead ({@code fault.halt_at},
 * see {@link HaltAt}). Off in every real run; the tests use it to prove that a crash at the worst
 * moment loses and duplicates nothing.
 */
public enum FaultPoint {
  /** Never halt. */
  OFF,
  /**
   * After the batch's rows are committed to bronze_events and quarantine_events, before any
   * archiving.
   */
  AFTER_COMMIT,
  /** After the batch's archive plan is saved, before its first file is moved. */
  BEFORE_MOVE,
  /** After the first file of a batch with several files is moved. */
  BETWEEN_MOVES,
  /**
   * In a file's move, after it is copied to the archive and before it is deleted from landing:
   * where an object store's rename (a copy, then a delete) leaves it when killed.
   */
  BETWEEN_COPY_AND_DELETE,
  /** After a start judged the run lock stale, before it replaces it. */
  TAKING_OVER_LOCK,
  /**
   * After add_new_columns recorded a batch's new fields, before the tables gain them (at the
   * restart).
   */
  AFTER_CONTRACT_RECORDED,
  /** After the queries stopped for a contract that grew, before the tables gain the new fields. */
  BEFORE_WIDENING,
  /** After the tables gained the new fields, before the queries start again over them. */
  AFTER_WIDENING,
  /** Before bronze names a new file-source log (ingest.source_log_max_size). */
  BEFORE_NEW_SOURCE_LOG,
  /** After bronze named a new file-source log, before the old one is deleted. */
  AFTER_NEW_SOURCE_LOG;

  /** Exit status of a JVM halted by a fault point, so a test can tell it from any real failure. */
  public static final int HALT_STATUS = 86;
}

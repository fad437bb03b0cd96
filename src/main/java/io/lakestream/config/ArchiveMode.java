package io.lakestream.config;

/** What happens to a landing file once its rows are committed ({@code archive.mode}). */
public enum ArchiveMode {
  /** Move it below volume.archive, keeping its sub-folders; every move is in archive_log. */
  MOVE,
  /** Delete it; every delete is in archive_log. */
  DELETE,
  /** Leave it where it is. */
  OFF,
  /**
   * Spark's own cleanSource=archive: best effort, moved only when a later batch runs, no
   * archive_log.
   */
  SPARK
}

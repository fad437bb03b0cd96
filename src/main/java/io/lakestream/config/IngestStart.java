package io.lakestream.config;

/** Which files a new bronze checkpoint reads (Auto Loader's {@code includeExistingFiles}). */
public enum IngestStart {
  /** Every file in landing, those already there at the first start too. */
  ALL,
  /**
   * Only files that arrive after the checkpoint's first start: those already in landing then are
   * left unread and never archived. Decided once, at the first start, and kept by every restart.
   */
  NEW
}

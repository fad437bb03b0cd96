package io.lakestream.maintain;

/**
 * What one maintenance pass did to one table: its active data files (the current version's), and
 * the data files and bytes in its folder (those older versions still refer to included; the Delta
 * log and hidden files not), before and after.
 */
public record TableReport(
    String table,
    long activeFilesBefore,
    long activeFilesAfter,
    long dataFilesBefore,
    long dataFilesAfter,
    long dataBytesBefore,
    long dataBytesAfter,
    long rowsExpired,
    boolean compacted) {

  public long bytesRemoved() {
    return Math.max(0, dataBytesBefore - dataBytesAfter);
  }
}

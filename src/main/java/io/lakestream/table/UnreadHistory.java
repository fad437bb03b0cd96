package io.lakestream.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.LakestreamException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a query that streams from a Delta table (silver from bronze_events, gold from
 * silver_events) can still read every version it has not read yet. Delta deletes log entries older
 * than the table's log retention; a reader stopped longer than that would meet a gap. Checked
 * before the query starts, so the run stops with the versions and the ways out instead of failing
 * on every start or skipping rows.
 *
 * <p>Reads two things Spark and Delta write: the reader's checkpoint (the last committed batch's
 * entry in {@code offsets/}, whose Delta source offset names the next table version to read, {@code
 * reservoirVersion}) and the names of the commit files in the table's {@code _delta_log}. Both
 * formats are versioned and documented in Delta's protocol; if either cannot be read, nothing is
 * checked and the query starts as it always did.
 *
 * <p>Spark or Delta internals: listed with their gain, version check and fallback in {@code
 * src/docs/design.md} ("Internals of Spark and Delta").
 */
public final class UnreadHistory {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(UnreadHistory.class);

  private UnreadHistory() {}

  /** A reader that cannot read every row it has not read yet; nothing was started. */
  public static class GapException extends LakestreamException {
    private static final long serialVersionUID = 1L;

    private final String query;

    GapException(String query, String message) {
      super(message);
      this.query = query;
    }

    GapException(String query, String upstreamTable, long nextVersion, long oldestVersion) {
      this(
          query,
          "query "
              + query
              + " has read "
              + upstreamTable
              + " up to version "
              + (nextVersion - 1)
              + ", but that table's log now starts at version "
              + oldestVersion
              + ": versions "
              + nextVersion
              + " to "
              + (oldestVersion - 1)
              + " were deleted by log retention (maintain.log_retention) while "
              + query
              + " was not running, so their rows cannot be read. Nothing was started.");
    }

    public String query() {
      return query;
    }

    @Override
    public int exitStatus() {
      return HISTORY_GONE;
    }

    @Override
    public String advice() {
      String layer = query.startsWith("gold_") ? "gold" : "silver";
      return "Ways out: rebuild the layer from its upstream table, which holds every row"
          + " (lakestream rebuild "
          + layer
          + " --config <same file>: resets "
          + (layer.equals("silver") ? "silver and gold" : "the gold tables")
          + " and their checkpoints; the next run reads them anew), or restore what was deleted."
          + " To avoid it, run every layer more often than maintain.log_retention and"
          + " maintain.file_retention, or raise both before a pause.";
    }
  }

  /** A reader whose unread versions added data files that VACUUM has deleted since. */
  public static final class FilesGoneException extends GapException {
    private static final long serialVersionUID = 1L;

    FilesGoneException(String query, String upstreamTable, long version, String file) {
      super(
          query,
          "query "
              + query
              + " has still to read version "
              + version
              + " of "
              + upstreamTable
              + ", whose data file "
              + file
              + " was deleted by VACUUM (maintain.file_retention) while "
              + query
              + " was not running, so its rows cannot be read. Nothing was started.");
    }
  }

  /**
   * Throws {@link GapException} if the query of {@code queryCheckpoint} needs a version of the
   * table in {@code upstreamLocation} that its log no longer holds.
   */
  public static void check(
      Configuration hadoopConf,
      String query,
      String queryCheckpoint,
      String upstreamTable,
      String upstreamLocation,
      java.time.Duration fileRetention) {
    OptionalLong next = nextVersionToRead(hadoopConf, queryCheckpoint);
    if (next.isEmpty()) {
      return;
    }
    // Commits are consecutive and the clean-up deletes the oldest first: while the next version's
    // commit, or the one before it (a reader that has read everything), is there, so is every
    // later one. Only otherwise is the log listed (a month of it holds millions of entries).
    if (!holdsCommit(hadoopConf, upstreamLocation, next.getAsLong())
        && !holdsCommit(hadoopConf, upstreamLocation, next.getAsLong() - 1)) {
      OptionalLong oldest = oldestCommit(hadoopConf, upstreamLocation);
      LOG.debug(
          "{} reads {} on from version {}; its log holds versions from {}",
          query,
          upstreamTable,
          next.getAsLong(),
          oldest.isPresent() ? oldest.getAsLong() : "none");
      if (oldest.isPresent() && oldest.getAsLong() > next.getAsLong()) {
        throw new GapException(query, upstreamTable, next.getAsLong(), oldest.getAsLong());
      }
    }
    checkDataFiles(
        hadoopConf, query, upstreamTable, upstreamLocation, next.getAsLong(), fileRetention);
  }

  private static boolean holdsCommit(Configuration hadoopConf, String tableLocation, long version) {
    if (version < 0) {
      return false;
    }
    Path commit = DeltaLogNames.commitFile(tableLocation, version);
    try {
      return commit.getFileSystem(hadoopConf).exists(commit);
    } catch (IOException e) {
      return false; // the listing decides
    }
  }

  /**
   * The data files the unread versions added must still be there. {@code VACUUM} deletes a file
   * only {@code fileRetention} after a later commit removed it, so only versions older than that
   * can have lost files: those are read, newest ones never.
   */
  private static void checkDataFiles(
      Configuration hadoopConf,
      String query,
      String upstreamTable,
      String upstreamLocation,
      long nextVersion,
      java.time.Duration fileRetention) {
    Path log = new Path(upstreamLocation, DeltaLogNames.LOG_FOLDER);
    long cutoff = System.currentTimeMillis() - fileRetention.toMillis();
    try {
      FileSystem fs = log.getFileSystem(hadoopConf);
      for (long version = nextVersion; ; version++) {
        Path commit = DeltaLogNames.commitFile(upstreamLocation, version);
        FileStatus status;
        try {
          status = fs.getFileStatus(commit);
        } catch (FileNotFoundException e) {
          return;
        }
        if (status.getModificationTime() > cutoff) {
          return;
        }
        String text;
        try (InputStream in = fs.open(commit)) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String line : text.split("\n")) {
          JsonNode add = line.isBlank() ? null : JSON.readTree(line).get("add");
          if (add != null && add.path("dataChange").asBoolean(true)) {
            Path file =
                new Path(
                    new Path(upstreamLocation),
                    new Path(new java.net.URI(add.get("path").asText())));
            if (!fs.exists(file)) {
              throw new FilesGoneException(query, upstreamTable, version, file.toString());
            }
          }
        }
      }
    } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
      if (e instanceof FilesGoneException gone) {
        throw gone;
      }
      LOG.warn(
          "Cannot read the log of {}; its data files are not checked for {}",
          upstreamTable,
          query,
          e);
    }
  }

  /**
   * The next upstream version the query reads: the Delta source offset of its last committed batch.
   * Empty for a query that committed no batch, or a checkpoint this cannot read.
   */
  static OptionalLong nextVersionToRead(Configuration hadoopConf, String queryCheckpoint) {
    try {
      long committed = OffsetLog.lastCommitted(hadoopConf, queryCheckpoint);
      if (committed < 0) {
        return OptionalLong.empty();
      }
      Path offsets = new Path(OffsetLog.of(queryCheckpoint), Long.toString(committed));
      FileSystem fs = offsets.getFileSystem(hadoopConf);
      String text;
      try (InputStream in = fs.open(offsets)) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      // "v1", the batch's metadata, then one line per source.
      for (String line : text.split("\n")) {
        if (line.contains("\"reservoirVersion\"")) {
          JsonNode offset = JSON.readTree(line);
          return OptionalLong.of(offset.get("reservoirVersion").asLong());
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "Cannot read the offsets of {}; its upstream history is not checked", queryCheckpoint, e);
    }
    return OptionalLong.empty();
  }

  /**
   * The oldest commit file in the table's log. Object stores and HDFS list names in order, so the
   * first commit found is the oldest; a local folder lists in no order and is read whole.
   */
  static OptionalLong oldestCommit(Configuration hadoopConf, String tableLocation) {
    Path log = new Path(tableLocation, DeltaLogNames.LOG_FOLDER);
    try {
      FileSystem fs = log.getFileSystem(hadoopConf);
      boolean ordered = !"file".equals(fs.getUri().getScheme().toLowerCase(Locale.ROOT));
      long oldest = Long.MAX_VALUE;
      RemoteIterator<FileStatus> listing = fs.listStatusIterator(log);
      while (listing.hasNext()) {
        OptionalLong commit = DeltaLogNames.commitVersion(listing.next().getPath().getName());
        if (commit.isPresent()) {
          oldest = Math.min(oldest, commit.getAsLong());
          if (ordered) {
            break;
          }
        }
      }
      return oldest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(oldest);
    } catch (FileNotFoundException e) {
      return OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot list {}; the readers' history is not checked", log, e);
      return OptionalLong.empty();
    }
  }
}

package io.lakestream.source;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.config.IngestSettings;
import io.lakestream.config.IngestStart;
import io.lakestream.fs.HadoopFiles;
import io.lakestream.fs.StateFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a bronze checkpoint starts reading landing ({@code ingest.start}): every file, or only
 * files modified after the newest one already there at the checkpoint's first start. Decided once,
 * at that first start, and stored beside the checkpoint ({@code lakestream-start/0.json}), so a
 * restart or a later change of the key does not move it (as Auto Loader evaluates {@code
 * includeExistingFiles} once per checkpoint).
 *
 * <p>The files before the start point are still listed by Spark's file source, but a filter on
 * {@code _metadata.file_modification_time} prunes them from every batch's file list before any is
 * opened (Spark's file index applies metadata filters to its files), so none is read however large;
 * the archiver, the backlog and the run summary apply the same rule. The modification time is the
 * storage's own clock on both sides of the comparison: on object stores it is the upload time, so a
 * file that arrives later is always newer; a file moved into a local landing folder keeping an
 * older time counts as existing.
 */
public record StartPoint(OptionalLong newerThanMillis) {

  /** Every file is read. */
  public static final StartPoint ALL = new StartPoint(OptionalLong.empty());

  private static final Logger LOG = LoggerFactory.getLogger(StartPoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FOLDER = "lakestream-start";
  private static final String NEWER_THAN = "read_files_modified_after_ms";

  /** Whether a file modified at {@code modifiedMillis} is read. */
  public boolean reads(long modifiedMillis) {
    return newerThanMillis.isEmpty() || modifiedMillis > newerThanMillis.getAsLong();
  }

  /** The landing read without the files before the start point, pruned before any is opened. */
  public Dataset<Row> applyTo(Dataset<Row> landingRead) {
    if (newerThanMillis.isEmpty()) {
      return landingRead;
    }
    return landingRead.where(
        col("_metadata.file_modification_time")
            .gt(lit(new Timestamp(newerThanMillis.getAsLong()))));
  }

  /**
   * The start point of this bronze checkpoint: the stored one, else decided now for a checkpoint
   * that never planned a batch (listing landing once), else every file.
   */
  public static StartPoint establish(
      Configuration hadoopConf, String bronzeCheckpoint, String landing, IngestSettings ingest) {
    Path file = location(bronzeCheckpoint);
    try {
      FileSystem fs = file.getFileSystem(hadoopConf);
      java.util.Optional<StartPoint> stored = read(fs, file);
      if (stored.isPresent()) {
        if (ingest.start() == IngestStart.ALL && stored.get().newerThanMillis().isPresent()) {
          LOG.info(
              "ingest.start=new was decided at this checkpoint's first start ({}) and stays;"
                  + " ingest.start=all applies to a new checkpoint only",
              file);
        }
        return stored.get();
      }
      if (ingest.start() == IngestStart.ALL) {
        return ALL;
      }
      if (SourceLogGeneration.current(hadoopConf, bronzeCheckpoint).plannedABatch(hadoopConf)) {
        LOG.warn(
            "ingest.start=new applies at a checkpoint's first start; {} has run before with"
                + " ingest.start=all, so every file is read as before",
            bronzeCheckpoint);
        return ALL;
      }
      return decide(fs, file, landing, ingest, hadoopConf);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot establish the start point in " + file, e);
    }
  }

  /** The stored start point, or every file if none was stored. */
  public static StartPoint stored(Configuration hadoopConf, String bronzeCheckpoint) {
    Path file = location(bronzeCheckpoint);
    try {
      return read(file.getFileSystem(hadoopConf), file).orElse(ALL);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the start point in " + file, e);
    }
  }

  /** The files in landing (as the read takes them) that the start point leaves unread. */
  public long filesLeftUnread(Configuration hadoopConf, String landing, IngestSettings ingest) {
    if (newerThanMillis.isEmpty()) {
      return 0;
    }
    return existing(hadoopConf, landing, ingest).stream()
        .filter(status -> !reads(status.getModificationTime()))
        .count();
  }

  private static StartPoint decide(
      FileSystem fs, Path file, String landing, IngestSettings ingest, Configuration hadoopConf)
      throws IOException {
    List<FileStatus> existing = existing(hadoopConf, landing, ingest);
    OptionalLong newest =
        existing.isEmpty()
            ? OptionalLong.empty()
            : OptionalLong.of(
                existing.stream().mapToLong(FileStatus::getModificationTime).max().getAsLong());
    StartPoint start = new StartPoint(newest);
    ObjectNode root = JSON.createObjectNode();
    root.put("ingest_start", "new");
    root.put("decided_at", Instant.now().toString());
    root.put("files_left_unread", existing.size());
    root.put("bytes_left_unread", existing.stream().mapToLong(FileStatus::getLen).sum());
    if (newest.isPresent()) {
      root.put(NEWER_THAN, newest.getAsLong());
    } else {
      root.putNull(NEWER_THAN);
    }
    fs.mkdirs(file.getParent());
    StateFile.write(fs, file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    LOG.info(
        "ingest.start=new: the {} files already in {} are left unread; files modified after {} are"
            + " read (stored in {})",
        existing.size(),
        landing,
        newest.isPresent() ? Instant.ofEpochMilli(newest.getAsLong()) : "-",
        file);
    return start;
  }

  private static List<FileStatus> existing(
      Configuration hadoopConf, String landing, IngestSettings ingest) {
    Path root = new Path(landing);
    java.util.function.Predicate<String> reads = ingest.fileNames();
    try {
      return HadoopFiles.visibleFiles(root.getFileSystem(hadoopConf), root).stream()
          .filter(status -> reads.test(status.getPath().getName()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + landing, e);
    }
  }

  /** The stored start point; empty if none was stored; a damaged one stops the start. */
  private static java.util.Optional<StartPoint> read(FileSystem fs, Path file) throws IOException {
    byte[] content;
    try (java.io.InputStream in = fs.open(file)) { // no exists() first: one request on S3
      content = in.readAllBytes();
    } catch (java.io.FileNotFoundException none) {
      return java.util.Optional.empty();
    }
    try {
      JsonNode newer = JSON.readTree(content).get(NEWER_THAN);
      if (newer == null) {
        throw new IOException("no " + NEWER_THAN);
      }
      return java.util.Optional.of(
          new StartPoint(newer.isNull() ? OptionalLong.empty() : OptionalLong.of(newer.asLong())));
    } catch (IOException | RuntimeException e) {
      // Reading every file instead would ingest what the user chose to leave: stop and say so.
      throw new IOException(
          file
              + " is damaged ("
              + e.getMessage()
              + "): restore it, or delete it with the bronze checkpoint to decide the start point"
              + " anew",
          e);
    }
  }

  private static Path location(String bronzeCheckpoint) {
    return new Path(new Path(bronzeCheckpoint, FOLDER), "0.json");
  }
}

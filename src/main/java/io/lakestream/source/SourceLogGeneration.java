package io.lakestream.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.fs.StateFile;
import io.lakestream.table.DeltaStreamSource;
import io.lakestream.table.OffsetLog;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Which Spark checkpoint the bronze query runs on. Spark's file source logs every file it ever read
 * and rewrites the whole log at each compaction, with no retention; so once that log outgrows
 * ingest.source_log_max_size, bronze starts a new Spark checkpoint (a new generation) when every
 * file the old log lists has left landing (see {@code archive.SourceLogRollover}).
 *
 * <p>Generation 0 is the bronze checkpoint folder itself, as before generations existed; generation
 * N is {@code <bronze checkpoint>/lakestream-source-log/N}. lakestream's own state (the Delta
 * transaction id, archive plans, outboxes, contract, start point) stays in the bronze checkpoint
 * folder, and batch ids go on across generations: a batch's id is {@code firstBatchId} plus Spark's
 * id in its generation, so audit rows, archive plans and Delta's transaction versions never repeat.
 *
 * @param number 0 for the bronze checkpoint folder itself
 * @param firstBatchId lakestream's id of this generation's first batch
 * @param checkpoint the folder Spark's checkpoint is in
 */
public record SourceLogGeneration(int number, long firstBatchId, String checkpoint) {

  public static final String FOLDER = "lakestream-source-log";
  private static final String MARKER = "current";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The generation bronze runs on now, from the marker in the bronze checkpoint folder. */
  public static SourceLogGeneration current(Configuration hadoopConf, String bronzeCheckpoint) {
    Path marker = marker(bronzeCheckpoint);
    try {
      FileSystem fs = marker.getFileSystem(hadoopConf);
      return StateFile.readParsed(
              fs,
              marker,
              content -> {
                JsonNode node = JSON.readTree(new String(content, StandardCharsets.UTF_8));
                if (node == null || !node.has("generation") || !node.has("firstBatchId")) {
                  throw new IOException("no generation and first batch id");
                }
                int number = node.get("generation").asInt();
                return new SourceLogGeneration(
                    number, node.get("firstBatchId").asLong(), folder(bronzeCheckpoint, number));
              })
          .orElse(new SourceLogGeneration(0, 0, bronzeCheckpoint));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read bronze's source log generation " + marker, e);
    }
  }

  /** The next generation, its first batch after {@code lastBatchId}; not saved yet. */
  public SourceLogGeneration next(String bronzeCheckpoint, long lastBatchId) {
    return new SourceLogGeneration(
        number + 1, lastBatchId + 1, folder(bronzeCheckpoint, number + 1));
  }

  /** Makes this generation the one bronze runs on, in one atomic write. */
  public void save(FileSystem fs, String bronzeCheckpoint) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.put("generation", number);
    node.put("firstBatchId", firstBatchId);
    StateFile.write(
        fs,
        marker(bronzeCheckpoint),
        JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8));
  }

  /** lakestream's id of the batch Spark numbers {@code sparkBatchId} in this generation. */
  public long batchId(long sparkBatchId) {
    return firstBatchId + sparkBatchId;
  }

  /** Spark's id in this generation of lakestream's batch {@code batchId}. */
  public long sparkBatchId(long batchId) {
    if (batchId < firstBatchId) {
      throw new IllegalStateException(
          "batch "
              + batchId
              + " was read by an earlier source log; this one starts at batch "
              + firstBatchId);
    }
    return batchId - firstBatchId;
  }

  /** Whether bronze ever planned a batch, in this generation or an earlier one. */
  public boolean plannedABatch(Configuration hadoopConf) {
    return number > 0 || DeltaStreamSource.plannedABatch(hadoopConf, checkpoint);
  }

  /**
   * lakestream's id of the last batch Spark planned in this generation; firstBatchId - 1 if none.
   */
  public long lastPlanned(Configuration hadoopConf) throws IOException {
    return firstBatchId + OffsetLog.lastBatch(hadoopConf, checkpoint);
  }

  /**
   * lakestream's id of the last batch Spark committed in this generation; firstBatchId - 1 if none.
   */
  public long lastCommitted(Configuration hadoopConf) throws IOException {
    return firstBatchId + OffsetLog.lastCommitted(hadoopConf, checkpoint);
  }

  /** Spark's file-source log of this generation. */
  public Path sourceLog() {
    return new Path(new Path(checkpoint, "sources"), "0");
  }

  /**
   * What Spark reads back of its source log at a start and rewrites at each compaction: the newest
   * compact file and the batch files after it, in bytes (0 for an empty log).
   */
  public long sourceLogBytes(Configuration hadoopConf) throws IOException {
    long bytes = 0;
    for (FileStatus file : sourceLogFiles(hadoopConf)) {
      bytes += file.getLen();
    }
    return bytes;
  }

  /**
   * Everything the source log holds: its newest compact file and the batch files after it, in batch
   * order (empty for a log not written yet).
   */
  public List<FileStatus> sourceLogFiles(Configuration hadoopConf) throws IOException {
    Path log = sourceLog();
    FileStatus[] files;
    try {
      files = log.getFileSystem(hadoopConf).listStatus(log);
    } catch (FileNotFoundException e) {
      return List.of();
    }
    long newestCompact = -1;
    for (FileStatus file : files) {
      if (file.getPath().getName().endsWith(".compact")) {
        newestCompact = Math.max(newestCompact, batchOf(file));
      }
    }
    long from = newestCompact;
    return Arrays.stream(files)
        .filter(file -> batchOf(file) >= 0 && batchOf(file) >= from)
        .sorted(Comparator.comparingLong(SourceLogGeneration::batchOf))
        .toList();
  }

  /** The batch a log file is named after ({@code 12}, {@code 19.compact}); -1 for another file. */
  private static long batchOf(FileStatus file) {
    String name = file.getPath().getName();
    String id = name.endsWith(".compact") ? name.substring(0, name.length() - 8) : name;
    return !id.isEmpty() && id.length() < 19 && id.chars().allMatch(Character::isDigit)
        ? Long.parseLong(id)
        : -1;
  }

  static Path generations(String bronzeCheckpoint) {
    return new Path(bronzeCheckpoint, FOLDER);
  }

  private static Path marker(String bronzeCheckpoint) {
    return new Path(generations(bronzeCheckpoint), MARKER);
  }

  private static String folder(String bronzeCheckpoint, int number) {
    return number == 0
        ? bronzeCheckpoint
        : new Path(generations(bronzeCheckpoint), Integer.toString(number)).toString();
  }
}

package io.lakestream.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.config.FaultPoint;
import io.lakestream.config.HaltAt;
import io.lakestream.fs.HadoopFiles;
import io.lakestream.source.SourceLogGeneration;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongPredicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds bronze's file-source log (ingest.source_log_max_size). Spark's file source keeps every
 * file it ever read in {@code sources/0}, rewrites all of it every tenth batch and reads all of it
 * back at each start, and has no retention. Once that log outgrows the limit, bronze's next start
 * runs on a new, empty Spark checkpoint ({@link SourceLogGeneration}).
 *
 * <p>Exactly once: a new log knows no file, so it would read again any file the old one lists that
 * is still in landing. It starts only when the old log's last batch is committed and no file it
 * lists is in landing (every read file archived; a move still pending, or a file back under a name
 * already read, waits for the next start). Then one atomic write names the new generation, and the
 * old one's Spark folders are deleted. Killed before that write, bronze goes on with the old log;
 * after it, with the new.
 *
 * <p>Under a long run the log is measured at each compaction (every tenth batch) and the queries
 * restart when it is over the limit, as they do for a wider contract.
 */
public final class SourceLogRollover {

  private static final Logger LOG = LoggerFactory.getLogger(SourceLogRollover.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Spark's folders in a checkpoint, deleted once a generation is left. */
  private static final List<String> SPARK_FOLDERS =
      List.of("offsets", "commits", "sources", "metadata", "state");

  /** Spark compacts its source log every this many batches (its default compactInterval). */
  private static final int COMPACT_INTERVAL = 10;

  private final Configuration hadoopConf;
  private final String bronzeCheckpoint;
  private final String landingRoot;
  private final OptionalLong maxBytes;
  private final LongPredicate readsModifiedAt;
  private final HaltAt haltAt;
  private volatile SourceLogGeneration current;
  private volatile boolean outgrown;

  /** The old log's last batch is planned, not committed: bronze runs it alone first. */
  private volatile boolean finishingPendingBatch;

  /** After a new log could not begin, Spark's batch id before which none is tried again. */
  private volatile long retryFromSparkBatch = -1;

  /**
   * @param maxBytes ingest.source_log_max_size; empty: off
   * @param readsModifiedAt whether bronze reads a file of that modification time (ingest.start):
   *     the log lists the files it leaves in landing too
   */
  public SourceLogRollover(
      Configuration hadoopConf,
      String bronzeCheckpoint,
      String landingRoot,
      OptionalLong maxBytes,
      LongPredicate readsModifiedAt,
      HaltAt haltAt) {
    this.hadoopConf = hadoopConf;
    this.bronzeCheckpoint = bronzeCheckpoint;
    this.landingRoot = landingRoot;
    this.maxBytes = maxBytes;
    this.readsModifiedAt = readsModifiedAt;
    this.haltAt = haltAt;
  }

  /** One that never begins a new log: for a topology that only sets up tables. */
  public static SourceLogRollover off(Configuration hadoopConf, String bronzeCheckpoint) {
    return new SourceLogRollover(
        hadoopConf,
        bronzeCheckpoint,
        bronzeCheckpoint,
        OptionalLong.empty(),
        modified -> true,
        HaltAt.OFF);
  }

  /**
   * Before bronze starts: the generation to run on, a new one if the log is over the limit and can
   * be left.
   */
  public SourceLogGeneration prepare() {
    try {
      SourceLogGeneration generation = SourceLogGeneration.current(hadoopConf, bronzeCheckpoint);
      deleteBefore(generation);
      outgrown = false;
      finishingPendingBatch = false;
      if (maxBytes.isPresent()) {
        long bytes = generation.sourceLogBytes(hadoopConf);
        if (bytes >= maxBytes.getAsLong()) {
          generation = leaveIfPossible(generation, bytes);
        }
      }
      current = generation;
      return generation;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot prepare bronze's file-source log in " + bronzeCheckpoint, e);
    }
  }

  /** The generation bronze runs on; gen 0 before {@link #prepare}. */
  public SourceLogGeneration current() {
    SourceLogGeneration generation = current;
    return generation != null
        ? generation
        : SourceLogGeneration.current(hadoopConf, bronzeCheckpoint);
  }

  /**
   * Whether this start of bronze only finishes the old log's planned batch (then the queries
   * restart on a new log): started with a trigger that runs one batch.
   */
  public boolean finishingPendingBatch() {
    return finishingPendingBatch;
  }

  /**
   * After bronze's batch {@code sparkBatchId} (Spark's id): whether the log has just been found
   * over the limit, looked at when Spark has just compacted it; true once per start of bronze
   * ({@link #outgrown} stays true until the next prepare).
   */
  public boolean outgrownAfter(long sparkBatchId) {
    if (maxBytes.isEmpty() || finishingPendingBatch || outgrown) {
      return false;
    }
    if ((sparkBatchId + 1) % COMPACT_INTERVAL != 0 || sparkBatchId < retryFromSparkBatch) {
      return false;
    }
    try {
      long bytes = current().sourceLogBytes(hadoopConf);
      outgrown = bytes >= maxBytes.getAsLong();
      if (outgrown) {
        LOG.info(
            "bronze's file-source log is {} bytes, over ingest.source_log_max_size ({} bytes): the"
                + " queries restart to begin a new one",
            bytes,
            maxBytes.getAsLong());
      }
    } catch (IOException e) {
      LOG.warn("Could not measure bronze's file-source log: {}", e.toString());
    }
    return outgrown;
  }

  /** Whether a run should restart its queries to begin a new log. */
  public boolean outgrown() {
    return outgrown;
  }

  private SourceLogGeneration leaveIfPossible(SourceLogGeneration generation, long bytes)
      throws IOException {
    long planned = generation.lastPlanned(hadoopConf);
    long committed = generation.lastCommitted(hadoopConf);
    if (planned != committed) {
      LOG.info(
          "bronze's file-source log is over ingest.source_log_max_size, but its batch {} is not"
              + " committed: bronze runs it alone first, then goes on with a new log",
          planned);
      finishingPendingBatch = true;
      outgrown = true;
      return generation;
    }
    List<String> left = filesListedInLanding(generation);
    if (!left.isEmpty()) {
      // Tried again after many more batches (each a chance for a pending move), or at a later run.
      retryFromSparkBatch = generation.sparkBatchId(planned) + 10L * COMPACT_INTERVAL;
      LOG.warn(
          "bronze's file-source log is {} bytes, over ingest.source_log_max_size, but {} file(s) it"
              + " lists are in landing (a move not done yet, or a file back under a name already read:"
              + " rename or remove it), which a new log would read again: {}{}",
          bytes,
          left.size(),
          String.join(", ", left.subList(0, Math.min(5, left.size()))),
          left.size() > 5 ? ", ..." : "");
      return generation;
    }
    haltAt.haltIfAt(FaultPoint.BEFORE_NEW_SOURCE_LOG);
    SourceLogGeneration next = generation.next(bronzeCheckpoint, committed);
    FileSystem fs = new Path(bronzeCheckpoint).getFileSystem(hadoopConf);
    next.save(fs, bronzeCheckpoint);
    LOG.info(
        "bronze's file-source log reached {} bytes (ingest.source_log_max_size {}): batches from {} on"
            + " are read with a new one, in {}",
        bytes,
        maxBytes.getAsLong(),
        next.firstBatchId(),
        next.checkpoint());
    haltAt.haltIfAt(FaultPoint.AFTER_NEW_SOURCE_LOG);
    deleteBefore(next);
    return next;
  }

  /**
   * The files in landing the generation's log lists (and bronze read: not before ingest.start's
   * point), as URIs.
   */
  private List<String> filesListedInLanding(SourceLogGeneration generation) throws IOException {
    Path root = new Path(landingRoot);
    FileSystem landingFs = root.getFileSystem(hadoopConf);
    Set<String> landed = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (FileStatus file : HadoopFiles.visibleFiles(landingFs, root)) {
      landed.add(uri(landingFs.makeQualified(file.getPath())));
      names.add(file.getPath().getName());
    }
    List<String> listed = new ArrayList<>();
    if (landed.isEmpty()) {
      return listed;
    }
    // The log writes a path as a URI: a name with other characters may be escaped in it.
    boolean plainNames = names.stream().allMatch(name -> name.matches("[A-Za-z0-9._~-]+"));
    FileSystem logFs = generation.sourceLog().getFileSystem(hadoopConf);
    for (FileStatus file : generation.sourceLogFiles(hadoopConf)) {
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(logFs.open(file.getPath()), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          // Most lines name no file in landing: parsed only when the name in their path might.
          if (!line.startsWith("{") || (plainNames && !names.contains(nameInPath(line)))) {
            continue;
          }
          JsonNode entry = JSON.readTree(line);
          String path = uri(new Path(toUri(entry.path("path").asText())));
          if (landed.contains(path) && readsModifiedAt.test(entry.path("timestamp").asLong())) {
            listed.add(path);
          }
        }
      }
    }
    return listed;
  }

  /**
   * The last segment of a log line's {@code "path"} as written (a plain name is written as is), or
   * the empty string.
   */
  static String nameInPath(String line) {
    int field = line.indexOf("\"path\":\"");
    if (field < 0) {
      return "";
    }
    int start = field + "\"path\":\"".length();
    int end = line.indexOf('"', start);
    if (end < 0) {
      return "";
    }
    String path = line.substring(start, end);
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** Deletes what generations before {@code generation} left: their Spark folders only. */
  private void deleteBefore(SourceLogGeneration generation) throws IOException {
    if (generation.number() == 0) {
      return;
    }
    Path base = new Path(bronzeCheckpoint);
    FileSystem fs = base.getFileSystem(hadoopConf);
    for (String folder : SPARK_FOLDERS) {
      fs.delete(new Path(base, folder), true);
    }
    Path generations = new Path(generation.checkpoint()).getParent();
    for (FileStatus older : fs.listStatus(generations)) {
      String name = older.getPath().getName();
      if (older.isDirectory()
          && name.chars().allMatch(Character::isDigit)
          && name.length() < 10
          && Integer.parseInt(name) < generation.number()) {
        fs.delete(older.getPath(), true);
      }
    }
  }

  private static String uri(Path path) {
    return ArchivePaths.canonical(path).toUri().toString();
  }

  private static URI toUri(String text) throws IOException {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new IOException("Bad path in the file-source log: " + text, e);
    }
  }
}

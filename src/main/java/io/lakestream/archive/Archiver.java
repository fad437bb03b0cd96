package io.lakestream.archive;

import io.lakestream.config.ArchiveMode;
import io.lakestream.config.FaultPoint;
import io.lakestream.config.HaltAt;
import io.lakestream.fs.StateFile;
import io.lakestream.source.SourceLogGeneration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves (or deletes) the files of a micro-batch once the batch's rows are committed, so that no
 * file leaves the landing folder before its data is durable, and no committed file stays behind.
 *
 * <p>Per batch: the files come from the file source's own log ({@link SourceFileLog}); their
 * destinations are saved as an {@link ArchivePlan} in the query's checkpoint before anything moves;
 * then every pending plan (this batch's and any earlier one whose moves failed) is carried out,
 * each move recorded in {@code archive_log}, and finished plans are removed. A crash anywhere is
 * finished by the replay of the same batch: a file already at its destination counts as moved, the
 * log skips rows it already holds.
 *
 * <p>This class runs the pass; {@link ArchiveState} keeps the plans and done markers, {@link
 * ArchivePlanner} chooses destinations, {@link FileMover} moves one file.
 */
public final class Archiver {

  /**
   * What the archiving of one batch did; {@code records} are the moves of this pass (empty when
   * read back from a done marker).
   */
  public record Outcome(int archived, int failed, CommittedRows committed, List<Record> records) {
    void write(FileSystem fs, Path file) throws IOException {
      com.fasterxml.jackson.databind.node.ObjectNode node = ArchivePlan.json(committed);
      node.put("archived", archived);
      node.put("failed", failed);
      StateFile.write(fs, file, node.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The outcome saved in {@code file}; empty if there is none or it is not whole. */
    static java.util.Optional<Outcome> read(FileSystem fs, Path file) throws IOException {
      return StateFile.readParsed(
          fs,
          file,
          content -> {
            com.fasterxml.jackson.databind.JsonNode node =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(content);
            if (node == null || !node.has("archived") || !node.has("rows")) {
              throw new IOException("no outcome in it");
            }
            return new Outcome(
                node.path("archived").asInt(),
                node.path("failed").asInt(),
                ArchivePlan.committedRows(node),
                List.of());
          });
    }
  }

  /** A finished move, delete or vanished file, for {@code archive_log}. */
  public record Record(ArchivePlan.Entry entry, String action, Instant at) {}

  public static final String MOVED = "moved";
  public static final String DELETED = "deleted";
  public static final String VANISHED = "vanished";

  static final String STATE_FOLDER = ArchiveState.FOLDER;

  private static final Logger LOG = LoggerFactory.getLogger(Archiver.class);

  private final ArchiveMode mode;
  private final Path landingRoot;
  private final Path archiveRoot;
  private final String queryCheckpoint;
  private final HaltAt haltAt;

  /** This run's archive state (its folder made once) and the archive folders it made. */
  private ArchiveState state;

  /** The plans this run's last pass left, and its batch; null before a pass completes. */
  private TreeMap<Long, ArchivePlan> pendingAfterLastPass;

  private long lastPassBatch = -1;

  private final java.util.Set<Path> madeFolders =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final ArchiveLog archiveLog;
  private final ArchivePlanner planner;

  /**
   * Whether bronze read a file of that modification time (ingest.start): none other is archived.
   */
  private final java.util.function.LongPredicate readsModifiedAt;

  /** The file-source log bronze runs on, which lists each batch's files. */
  private final java.util.function.Supplier<SourceLogGeneration> sourceLog;

  public Archiver(
      ArchiveMode mode,
      String landingRoot,
      String archiveRoot,
      String queryCheckpoint,
      HaltAt haltAt,
      ArchiveLog archiveLog,
      java.util.function.LongPredicate readsModifiedAt,
      java.util.function.Supplier<SourceLogGeneration> sourceLog) {
    this.sourceLog = sourceLog;
    if (mode != ArchiveMode.MOVE && mode != ArchiveMode.DELETE) {
      throw new IllegalArgumentException("Archiver handles move and delete, not " + mode);
    }
    this.mode = mode;
    this.landingRoot = new Path(landingRoot);
    this.archiveRoot = new Path(archiveRoot);
    this.queryCheckpoint = queryCheckpoint;
    this.haltAt = haltAt;
    this.archiveLog = archiveLog;
    this.readsModifiedAt = readsModifiedAt;
    this.planner = new ArchivePlanner(mode, this.landingRoot, this.archiveRoot);
  }

  /**
   * Archives batch {@code batchId}'s files and retries earlier failed moves; call after the batch
   * is committed. The outcome's {@code committed} is what the batch's first attempt committed,
   * which a replay that finds some files already moved cannot count again.
   */
  public Outcome archive(Configuration hadoopConf, long batchId, CommittedRows committed) {
    try {
      return archiveOrThrow(hadoopConf, batchId, committed);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Archiving of batch " + batchId + " failed; it is retried when the batch is replayed", e);
    }
  }

  /**
   * The files the last pass of this run left planned (moves that failed, retried with the next
   * batch): already read, though still in landing.
   */
  public java.util.Set<String> sourcesStillPlanned() {
    if (pendingAfterLastPass == null) {
      return java.util.Set.of();
    }
    java.util.Set<String> sources = new java.util.HashSet<>();
    for (ArchivePlan plan : pendingAfterLastPass.values()) {
      for (ArchivePlan.Entry entry : plan.entries()) {
        sources.add(entry.source().toUri().toString());
      }
    }
    return sources;
  }

  private Outcome archiveOrThrow(Configuration hadoopConf, long batchId, CommittedRows committed)
      throws IOException {
    long startedNanos = System.nanoTime();
    if (state == null) {
      state = ArchiveState.open(hadoopConf, queryCheckpoint); // creates its folder: once a run
    }
    // The batch after the one this run's last pass archived is no replay, and the plans are those
    // that pass left: nothing to read back (on S3, requests saved per batch).
    boolean continuing = pendingAfterLastPass != null && batchId == lastPassBatch + 1;
    TreeMap<Long, ArchivePlan> pending;
    if (continuing) {
      pending = new TreeMap<>(pendingAfterLastPass);
    } else {
      java.util.Optional<Outcome> before = state.outcomeOf(batchId);
      if (before.isPresent()) {
        LOG.info("Batch {} was archived before this replay", batchId);
        return before.get();
      }
      pending = state.pendingPlans();
      trimPlansOfFinishedPasses(state, pending, batchId, landingRoot.getFileSystem(hadoopConf));
    }
    pendingAfterLastPass = null; // until this pass ends
    FileSystem landingFs = landingRoot.getFileSystem(hadoopConf);
    FileSystem archiveFs = archiveRoot.getFileSystem(hadoopConf);
    boolean plannedNow = !pending.containsKey(batchId);
    if (plannedNow) {
      List<Path> files =
          new SourceFileLog(state.fileSystem(), sourceLog.get(), readsModifiedAt).filesOf(batchId);
      ArchivePlan plan = planner.plan(batchId, committed, files, landingFs, archiveFs, pending);
      state.save(plan);
      pending.put(batchId, plan);
    }
    haltAt.haltIfAt(FaultPoint.BEFORE_MOVE, batchId);

    FileMover mover =
        new FileMover(mode, hadoopConf, landingFs, archiveFs, state, haltAt, batchId, madeFolders);
    List<Record> done = new ArrayList<>();
    int failed = 0;
    java.util.Set<Long> changed = new java.util.HashSet<>();
    for (ArchivePlan plan : List.copyOf(pending.values())) {
      List<ArchivePlan.Entry> remaining = new ArrayList<>();
      List<ArchivePlan.Entry> entries = new ArrayList<>(plan.entries());
      for (int i = 0; i < entries.size(); i++) {
        ArchivePlan.Entry entry = entries.get(i);
        try {
          done.add(mover.carryOut(plan, entries, i, plannedNow && plan.batchId() == batchId));
          if (done.size() == 1 && hasMoreWork(pending, plan, i)) {
            haltAt.haltIfAt(FaultPoint.BETWEEN_MOVES, batchId);
          }
        } catch (IOException | RuntimeException e) {
          failed++;
          remaining.add(entries.get(i));
          LOG.warn(
              "Could not archive {} (batch {}): {}; retried with the next batch",
              entry.source(),
              entry.batchId(),
              e.toString());
        }
      }
      if (remaining.size() != plan.entries().size()) {
        changed.add(plan.batchId());
      }
      pending.put(plan.batchId(), plan.withEntries(remaining));
    }
    archiveLog.append(batchId, done);
    Outcome outcome =
        new Outcome(done.size(), failed, pending.get(batchId).committed(), List.copyOf(done));
    state.markDone(batchId, outcome);
    List<Path> finished = new ArrayList<>();
    for (ArchivePlan plan : List.copyOf(pending.values())) {
      if (plan.entries().isEmpty()) {
        finished.add(state.planFile(plan.batchId()));
        pending.remove(plan.batchId());
      } else if (changed.contains(plan.batchId())) {
        state.save(plan); // a plan none of whose moves went through is left as it is
      }
    }
    finished.addAll(
        continuing ? List.of(state.doneMarker(lastPassBatch)) : state.markersListedBefore(batchId));
    state.remove(finished);
    pendingAfterLastPass = pending;
    lastPassBatch = batchId;
    if (failed > 0) {
      LOG.info(
          "Batch {}: {} files archived ({}), {} failed and pending, in {} ms",
          batchId,
          done.size(),
          mode.name().toLowerCase(Locale.ROOT),
          failed,
          (System.nanoTime() - startedNanos) / 1_000_000);
    } else if (!done.isEmpty()) {
      // The batch's progress line says how many files were archived.
      LOG.debug(
          "Batch {}: {} files archived ({}) in {} ms",
          batchId,
          done.size(),
          mode.name().toLowerCase(Locale.ROOT),
          (System.nanoTime() - startedNanos) / 1_000_000);
    }
    return outcome;
  }

  /**
   * An earlier batch's plan whose pass wrote its done marker but was stopped before it saved what
   * was left of the plan still lists the files that pass moved and logged: only those still in
   * landing (its failed moves) are left to do.
   */
  private static void trimPlansOfFinishedPasses(
      ArchiveState state, TreeMap<Long, ArchivePlan> pending, long batchId, FileSystem landingFs)
      throws IOException {
    for (ArchivePlan plan : List.copyOf(pending.headMap(batchId).values())) {
      java.util.Optional<Outcome> finished = state.outcomeOf(plan.batchId());
      if (finished.isPresent() && plan.entries().size() > finished.get().failed()) {
        List<ArchivePlan.Entry> left = new ArrayList<>();
        for (ArchivePlan.Entry entry : plan.entries()) {
          if (landingFs.exists(entry.source())) {
            left.add(entry);
          }
        }
        pending.put(plan.batchId(), plan.withEntries(left));
      }
    }
  }

  private static boolean hasMoreWork(
      TreeMap<Long, ArchivePlan> pending, ArchivePlan plan, int index) {
    return index + 1 < plan.entries().size() || pending.higherKey(plan.batchId()) != null;
  }
}

package io.lakestream.app;

import io.lakestream.archive.BatchArchiving;
import io.lakestream.archive.SourceLogRollover;
import io.lakestream.config.ConfigException;
import io.lakestream.config.FaultPoint;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.config.LakestreamConfig.Layer;
import io.lakestream.config.TriggerSpec;
import io.lakestream.fs.SessionHadoopConf;
import io.lakestream.maintain.Maintenance;
import io.lakestream.maintain.MaintenanceSchedule;
import io.lakestream.observe.ProgressListener;
import io.lakestream.observe.ProgressLog;
import io.lakestream.observe.ProgressSink;
import io.lakestream.observe.ProgressTable;
import io.lakestream.sink.StreamStarter;
import io.lakestream.source.StartPoint;
import io.lakestream.stage.QualityRules;
import io.lakestream.table.DeltaTables;
import io.lakestream.table.Tables;
import io.lakestream.table.VolumeSetup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link Topology}: takes the run lock, sets up the volume and tables, listens to
 * progress, then starts the queries layer by layer. With a draining trigger (availableNow) each
 * layer runs until drained before the next starts, and {@link #run} returns; otherwise every layer
 * starts and the queries run side by side until one stops or fails. Every query has its own
 * checkpoint and its name in the Spark UI.
 */
public final class Pipeline {

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  /**
   * Each restart follows new fields; a bound keeps a stream of ever new names from restarting for
   * ever.
   */
  private static final int MAX_CONTRACT_RESTARTS = 50;

  private final SparkSession spark;
  private final LakestreamConfig config;
  private final DeltaTables tables;
  private final StreamStarter starter;
  private final List<ProgressSink> extraProgressSinks;
  private final RunningQueries queries;
  private final Bookkeeping bookkeeping;
  private final AtomicReference<StructType> enrichmentColumns = new AtomicReference<>();
  private volatile ProgressListener progress;

  /** Which file-source log bronze runs on in the current run. */
  private volatile SourceLogRollover sourceLog;

  public Pipeline(SparkSession spark, LakestreamConfig config) {
    this(spark, config, List.of());
  }

  /**
   * @param extraProgressSinks where else per-batch progress goes, e.g. the terminal of a local run
   */
  public Pipeline(
      SparkSession spark, LakestreamConfig config, List<ProgressSink> extraProgressSinks) {
    this.extraProgressSinks = List.copyOf(extraProgressSinks);
    this.spark = spark;
    this.config = config;
    this.tables = new DeltaTables(spark, config.catalog(), config.volume());
    this.starter = new StreamStarter(spark, config);
    this.queries = new RunningQueries(spark);
    this.bookkeeping = new Bookkeeping(spark, config, tables);
  }

  /** The topology of the configured contract, archiving bronze's files with {@code archiving}. */
  private Topology topology(BatchArchiving archiving) {
    return topology(
        archiving,
        SourceLogRollover.off(hadoopConf(), config.volume().checkpointFor(Topology.BRONZE_QUERY)));
  }

  private Topology topology(BatchArchiving archiving, SourceLogRollover sourceLog) {
    return new Topology(
        spark,
        config,
        tables,
        bookkeeping,
        archiving,
        enrichmentColumns,
        queries::stopFromAnotherThread,
        sourceLog);
  }

  /** The same topology over the contract as recorded now (fields added, or inferred and stored). */
  private static Topology withRecordedContract(Topology topology) {
    StructType recorded = topology.contract().recorded();
    return recorded.equals(topology.config().ingest().eventSchema())
        ? topology
        : topology.withContract(recorded);
  }

  /**
   * Prepares the volume and tables, checks the expectations against the schema and the users
   * reference table (when enrichment is on); safe to repeat.
   *
   * @throws ConfigException if an expectation or the reference table does not fit
   */
  public void setUp() {
    setUp(topology(BatchArchiving.NONE));
  }

  private void setUp(Topology topology) {
    LakestreamConfig current = topology.config();
    new QualityRules(current.quality(), current.ingest().eventSchema()).checkResolvable(spark);
    VolumeSetup setup = new VolumeSetup(spark, current, List.of());
    setup.prepareVolume();
    setup.ensureTablesMadeBy(topology.tableMakers());
  }

  /**
   * Runs the pipeline; with a draining trigger, returns when every layer is drained.
   *
   * @throws QueryFailedException if a query fails; its message names the query
   */
  public PipelineRun run() throws TimeoutException {
    Instant startedAt = Instant.now();
    io.lakestream.fs.StateFile.haltWhileWriting(config.haltWriting().orElse(null));
    // Two runs writing one checkpoint folder is what the lock prevents: if another run took it
    // over, stop.
    try (InstanceLock lock =
        InstanceLock.acquire(
            hadoopConf(), config.volume().checkpoints(), queries::requestStop, config.haltAt())) {
      // Each run reports every file it finds back.
      // ingest.start: decided at the checkpoint's first start, before bronze lists landing.
      StartPoint start =
          StartPoint.establish(
              hadoopConf(),
              config.volume().checkpointFor(Topology.BRONZE_QUERY),
              config.volume().landing(),
              config.ingest());
      sourceLog =
          new SourceLogRollover(
              hadoopConf(),
              config.volume().checkpointFor(Topology.BRONZE_QUERY),
              config.volume().landing(),
              RunArchiving.archivesFiles(config)
                  ? config.ingest().sourceLogMaxBytes()
                  : java.util.OptionalLong.empty(),
              start::reads,
              config.haltAt());
      RunArchiving archiving =
          new RunArchiving(spark, config, tables, bookkeeping, start, sourceLog);
      keepAutoCompactionForLongRuns();
      Topology current =
          withRecordedContract(topology(reportedToProgress(archiving.batchArchiving()), sourceLog));
      setUp(current);
      current.checkUnreadHistory(hadoopConf());
      bookkeeping.flushAll();
      // Before bronze starts: a file back under an ingested name is reported (or renamed to be
      // read again) even if no batch runs.
      archiving.checkAtStart(hadoopConf());
      PipelineRun run;
      try (MaintenanceSchedule maintenance = maintenanceSchedule()) {
        run = runWithProgress(current, archiving, startedAt);
        // add_new_columns recorded fields: the tables gain them and the queries start again over
        // the wider contract. Bronze's file-source log outgrew its limit: they start again with
        // bronze on a new one.
        int contractRestarts = 0;
        while ((current.contractGrew() || sourceLog.outgrown())
            && !queries.stopRequested()
            && !lock.lost()) {
          if (current.contractGrew()) {
            if (++contractRestarts > MAX_CONTRACT_RESTARTS) {
              throw new IllegalStateException(
                  "the event contract grew "
                      + MAX_CONTRACT_RESTARTS
                      + " times in one run; run again to go on");
            }
            config.haltAt().haltIfAt(FaultPoint.BEFORE_WIDENING);
            current = withRecordedContract(current);
            LOG.info(
                "Restarting the queries with the wider event contract: {}",
                current.config().ingest().eventSchema().toDDL());
            setUp(current);
            config.haltAt().haltIfAt(FaultPoint.AFTER_WIDENING);
          } else {
            LOG.info("Restarting the queries for bronze to go on with a new file-source log");
          }
          // The ended queries are let go first: each holds its sources (a file source its map of
          // every file it read).
          run = null;
          run = runWithProgress(current, archiving, startedAt);
        }
      } catch (RuntimeException | TimeoutException e) {
        if (!lock.lost()) {
          try {
            bookkeeping.flushAll();
          } catch (RuntimeException flushFailure) {
            e.addSuppressed(flushFailure);
          }
        }
        throw e;
      }
      if (lock.lost()) {
        // The run now holding the lock appends what this one saved for the bookkeeping tables.
        throw new InstanceLock.HeldElsewhereException(
            "another run took over the run lock of "
                + config.volume().checkpoints()
                + " while this run was writing; this run stopped its queries (a batch cut short"
                + " is replayed by the run holding the lock)");
      }
      long flushStarted = System.nanoTime();
      bookkeeping.flushAll();
      LOG.info(
          "Queries done; audit_batches and archive_log complete after {} ms",
          (System.nanoTime() - flushStarted) / 1_000_000);
      return run;
    }
  }

  private Configuration hadoopConf() {
    return SessionHadoopConf.of(spark);
  }

  /**
   * Delta's auto compaction (maintain.auto_compact) compacts every table on its first write in each
   * JVM, then once it holds 50 small files: right for a long run, but a draining run would rewrite
   * what it has just written. So a draining run switches it off in its session (the session setting
   * wins over the table property), unless the user set it; its tables are compacted by the maintain
   * command or a long run.
   */
  private void keepAutoCompactionForLongRuns() {
    String key = "spark.databricks.delta.autoCompact.enabled";
    boolean userSet =
        config.sparkSettings().containsKey(key) || SparkSessions.launcherConf().containsKey(key);
    if (config.trigger() instanceof TriggerSpec.AvailableNow && !userSet) {
      spark.conf().set(key, "false");
    }
  }

  /** Background maintenance for a long run with maintain.interval; none for a draining run. */
  private MaintenanceSchedule maintenanceSchedule() {
    if (!(config.trigger() instanceof TriggerSpec.ProcessingTime)
        || config.maintenance().interval().isEmpty()) {
      return MaintenanceSchedule.none();
    }
    return MaintenanceSchedule.every(
        config.maintenance().interval().get(), new Maintenance(spark, config, Clock.systemUTC()));
  }

  /**
   * Stops every running query and starts no more; {@link #run} then returns normally. A batch cut
   * short is replayed from the checkpoint by the next run. Safe to call from any thread, e.g. a
   * shutdown hook.
   */
  public void requestStop() {
    queries.requestStop();
  }

  public boolean stopRequested() {
    return queries.stopRequested();
  }

  /** Runs the queries with a progress listener that writes pipeline_progress and the log. */
  private PipelineRun runWithProgress(Topology topology, RunArchiving archiving, Instant startedAt)
      throws TimeoutException {
    if (config.trigger() instanceof TriggerSpec.AvailableNow availableNow
        && availableNow.requestedAsOnce()) {
      LOG.warn(
          "trigger=once is deprecated by Spark; running as availableNow, which drains in"
              + " rate-limited batches");
    }
    List<ProgressSink> sinks = new ArrayList<>(List.of(new ProgressLog()));
    sinks.addAll(extraProgressSinks);
    ProgressTable progressTable =
        new ProgressTable(spark, tables.identifier(Tables.PIPELINE_PROGRESS));
    PipelineRun run;
    try (progressTable) {
      sinks.add(progressTable);
      progress =
          new ProgressListener(
              sinks,
              query ->
                  query.equals(Topology.BRONZE_QUERY) ? sourceLog.current().firstBatchId() : 0L);
      spark.streams().addListener(progress);
      try {
        run = runQueries(topology, archiving, startedAt);
        awaitProgressOf(run.queries());
      } finally {
        spark.streams().removeListener(progress);
      }
    }
    return run.withProgressRowsNotWritten(progressTable.rowsNotWritten());
  }

  /**
   * Listener events arrive asynchronously: wait until the last batch of each query has been
   * reported.
   */
  private void awaitProgressOf(List<StreamingQuery> queries) {
    try {
      if (!progress.awaitEnded(
          queries.stream().map(StreamingQuery::id).collect(Collectors.toSet()),
          Duration.ofSeconds(30))) {
        LOG.warn(
            "Not every query's last progress arrived within 30 s; pipeline_progress may miss its"
                + " last batches");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts the layers in order. A draining run awaits each layer before the next; it starts no
   * further layer after a stop request, nor when bronze added fields to the contract (silver and
   * gold then start after the restart, over the wider tables). Any other run starts every layer,
   * then waits until one query ends.
   */
  private PipelineRun runQueries(Topology topology, RunArchiving archiving, Instant startedAt)
      throws TimeoutException {
    boolean drains = config.trigger().stopsWhenDrained();
    if (!drains) {
      // awaitAnyTermination returns at once if a query of this session ended before; forget those.
      spark.streams().resetTerminated();
    }
    List<StreamingQuery> started = new ArrayList<>();
    List<StreamingQuery> finished = new ArrayList<>();
    for (Layer layer : topology.layers()) {
      if (drains
          && layer != Layer.BRONZE
          && (queries.stopRequested() || topology.contractGrew() || sourceLog.outgrown())) {
        break;
      }
      List<StreamingQuery> layerQueries = start(topology.plans(layer));
      if (drains) {
        finished.addAll(queries.awaitAll(layerQueries));
      } else {
        started.addAll(layerQueries);
      }
    }
    if (!drains) {
      try (RunArchiving.IdleChecks idle = archiving.checkEveryTrigger(hadoopConf())) {
        finished.addAll(queries.awaitAny(started));
      }
    }
    return new PipelineRun(spark, config, startedAt, finished, archiving.reportedThisRun(), 0);
  }

  private List<StreamingQuery> start(List<QueryPlan> plans) throws TimeoutException {
    List<StreamingQuery> started = new ArrayList<>();
    for (QueryPlan plan : plans) {
      started.add(
          queries.track(
              starter.start(
                  plan.name(),
                  plan.stream(),
                  plan.outputMode(),
                  plan.writer(),
                  plan.queryConf(),
                  plan.sparkCheckpoint(),
                  plan.trigger())));
      // The progress log says when it started; this adds how it runs.
      LOG.debug(
          "Started query {} ({} mode, trigger {})",
          plan.name(),
          plan.outputMode(),
          config.trigger());
    }
    return started;
  }

  /** Tells the progress listener what the archiving of each batch did. */
  private BatchArchiving reportedToProgress(BatchArchiving archiving) {
    return (session, batchId, committed) -> {
      BatchArchiving.Result result = archiving.afterCommit(session, batchId, committed);
      ProgressListener listener = progress;
      if (listener != null) {
        listener.filesArchived(Topology.BRONZE_QUERY, batchId, result.files());
      }
      return result;
    };
  }
}

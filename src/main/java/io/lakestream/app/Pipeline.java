package io.lakestream.app;

import io.lakestream.archive.Archiver;
import io.lakestream.archive.BatchArchiving;
import io.lakestream.archive.ReappearedFiles;
import io.lakestream.config.ArchiveMode;
import io.lakestream.config.ConfigException;
import io.lakestream.config.Expectation;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.config.LakestreamConfig.Layer;
import io.lakestream.config.SchemaEvolution;
import io.lakestream.config.TriggerSpec;
import io.lakestream.contract.ContractHistory;
import io.lakestream.contract.EventSchemaInference;
import io.lakestream.contract.NewFields;
import io.lakestream.observe.BronzeMetrics;
import io.lakestream.observe.ProgressListener;
import io.lakestream.observe.ProgressLog;
import io.lakestream.observe.ProgressSink;
import io.lakestream.observe.ProgressTable;
import io.lakestream.sink.BronzeBatchWriter;
import io.lakestream.sink.StreamStarter;
import io.lakestream.sink.TableBatchWriter;
import io.lakestream.stage.AddEventDate;
import io.lakestream.stage.Deduplicate;
import io.lakestream.stage.EnrichWithUsers;
import io.lakestream.stage.EventCounts;
import io.lakestream.stage.EventTypeTotals;
import io.lakestream.stage.JsonIngest;
import io.lakestream.stage.NormalizeIdentifiers;
import io.lakestream.stage.QualityRules;
import io.lakestream.stage.Sessionize;
import io.lakestream.stage.UsersReference;
import io.lakestream.stage.ValidEvents;
import io.lakestream.table.BronzeTable;
import io.lakestream.table.DeltaTables;
import io.lakestream.table.TableDefinition;
import io.lakestream.table.Tables;
import io.lakestream.table.VolumeSetup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the stages into the medallion queries and runs them:
 *
 * <pre>
 * landing --bronze_events--> bronze_events (+ quarantine_events)
 *         --silver_events--> silver_events          valid, normalized, deduplicated, enriched (ref_users)
 *         --gold_event_counts / gold_event_type_totals / gold_user_sessions--> gold tables
 * </pre>
 *
 * With a draining trigger (availableNow) the layers run in order, each until drained, and {@link
 * #run} returns; otherwise all queries run side by side until one stops or fails. Every query has
 * its own checkpoint and its name in the Spark UI.
 */
public final class Pipeline {

  public static final String BRONZE_QUERY = BronzeTable.NAME;
  public static final String SILVER_QUERY = Tables.SILVER_EVENTS;
  public static final String EVENT_COUNTS_QUERY = Tables.GOLD_EVENT_COUNTS;
  public static final String TYPE_TOTALS_QUERY = Tables.GOLD_EVENT_TYPE_TOTALS;
  public static final String SESSIONS_QUERY = Tables.GOLD_USER_SESSIONS;

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
  private ProgressListener progress;
  private ReappearedFiles reappeared;
  private org.apache.spark.sql.types.StructType enrichmentColumns;

  public Pipeline(SparkSession spark, LakestreamConfig config) {
    this(spark, config, List.of());
  }

  /**
   * @param extraProgressSinks where else per-batch progress goes, e.g. the terminal of a local run
   */
  public Pipeline(
      SparkSession spark, LakestreamConfig config, List<ProgressSink> extraProgressSinks) {
    this(spark, config, extraProgressSinks, new RunningQueries(spark));
  }

  private Pipeline(
      SparkSession spark,
      LakestreamConfig config,
      List<ProgressSink> extraProgressSinks,
      RunningQueries queries) {
    this.extraProgressSinks = List.copyOf(extraProgressSinks);
    this.spark = spark;
    this.config = config;
    this.tables = new DeltaTables(spark, config.catalog(), config.volume());
    this.starter = new StreamStarter(spark, config);
    this.queries = queries;
    this.bookkeeping = new Bookkeeping(spark, config, tables);
  }

  /**
   * Where add_new_columns records the fields it added to the event contract (beside bronze's
   * checkpoint).
   */
  private ContractHistory contractHistory() {
    return new ContractHistory(config.volume().checkpointFor(BRONZE_QUERY));
  }

  /**
   * The event contract: ingest.schema (or, with ingest.schema=infer, the contract inferred once and
   * stored) and the fields add_new_columns recorded (in any mode, once recorded).
   */
  private org.apache.spark.sql.types.StructType recordedContract() {
    org.apache.hadoop.conf.Configuration hadoopConf = spark.sessionState().newHadoopConf();
    org.apache.spark.sql.types.StructType base = config.ingest().eventSchema();
    if (config.ingest().inferSchema()) {
      base = contractHistory().inferred(hadoopConf).orElseGet(this::inferContract);
    }
    return ContractHistory.widen(base, contractHistory().added(hadoopConf));
  }

  /**
   * ingest.schema=infer on a volume without a stored contract: infers it from landing and stores
   * it.
   */
  private org.apache.spark.sql.types.StructType inferContract() {
    EventSchemaInference.Inferred inferred =
        new EventSchemaInference(spark)
            .infer(config.volume().landing(), config.ingest().eventSchema());
    contractHistory()
        .storeInferred(
            spark.sessionState().newHadoopConf(),
            inferred.contract(),
            inferred.files(),
            inferred.bytes());
    LOG.info(
        "ingest.schema=infer: inferred the event contract from {} files ({} bytes) in {}: {}; stored in {}/0.json, which"
            + " every later run reads instead of inferring",
        inferred.files().size(),
        inferred.bytes(),
        config.volume().landing(),
        inferred.contract().toDDL(),
        contractHistory().location());
    return inferred.contract();
  }

  /**
   * Whether fields were recorded that this pipeline's contract lacks: its queries must restart with
   * them.
   */
  private boolean contractGrew() {
    return !recordedContract().equals(config.ingest().eventSchema());
  }

  /**
   * This pipeline, or one over the recorded contract (sharing the stop requests, progress sinks and
   * the reappeared-files report of this run).
   */
  private Pipeline withRecordedContract() {
    org.apache.spark.sql.types.StructType contract = recordedContract();
    if (contract.equals(config.ingest().eventSchema())) {
      return this;
    }
    Pipeline wider =
        new Pipeline(spark, config.withEventSchema(contract), extraProgressSinks, queries);
    wider.reappeared = reappeared;
    wider.enrichmentColumns = enrichmentColumns;
    return wider;
  }

  /** What the bronze writer does with fields outside the contract. */
  private NewFields newFields() {
    SchemaEvolution mode = config.ingest().schemaEvolution();
    if (mode != SchemaEvolution.ADD_NEW_COLUMNS) {
      return NewFields.of(mode);
    }
    java.util.Set<String> taken = new java.util.HashSet<>();
    for (TableDefinition table :
        List.of(BronzeTable.definition(config.ingest().eventSchema()), silverTable())) {
      for (String column : table.schema().fieldNames()) {
        taken.add(column.toLowerCase(Locale.ROOT));
      }
    }
    return new NewFields(mode, contractHistory(), taken);
  }

  /**
   * The tables of the layers this run feeds (pipeline.stop_after): a bronze-only run prepares no
   * silver or gold.
   */
  public List<TableDefinition> tables() {
    return List.of(
            BronzeTable.definition(config.ingest().eventSchema()),
            Tables.quarantine(),
            Tables.audit(),
            Tables.archiveLog(),
            Tables.pipelineProgress(),
            silverTable(),
            Tables.eventCounts(),
            Tables.eventTypeTotals(),
            Tables.userSessions())
        .stream()
        .filter(table -> feeds(config, table.name()))
        .toList();
  }

  /**
   * Whether a run with this configuration writes the table: silver and gold tables only up to
   * stop_after.
   */
  static boolean feeds(LakestreamConfig config, String table) {
    Layer layer =
        switch (table) {
          case Tables.SILVER_EVENTS -> Layer.SILVER;
          case Tables.GOLD_EVENT_COUNTS, Tables.GOLD_EVENT_TYPE_TOTALS, Tables.GOLD_USER_SESSIONS ->
              Layer.GOLD;
          default -> Layer.BRONZE;
        };
    return layer.compareTo(config.stopAfter()) <= 0;
  }

  /**
   * Prepares the volume and tables, checks the expectations against the schema and the users
   * reference table (when enrichment is on); safe to repeat.
   *
   * @throws ConfigException if an expectation or the reference table does not fit
   */
  public void setUp() {
    checkExpectations();
    VolumeSetup setup = new VolumeSetup(spark, config, List.of());
    setup.prepareVolume();
    enrichmentColumns();
    setup.ensureTables(tables());
  }

  /** Silver's definition: the event columns, lakestream's, and those enrichment adds. */
  private TableDefinition silverTable() {
    return Tables.silver(config.ingest().eventSchema(), enrichmentColumns());
  }

  /**
   * The columns enrichment adds to silver, with their types in the reference table; read once, at
   * set-up.
   */
  private synchronized org.apache.spark.sql.types.StructType enrichmentColumns() {
    if (enrichmentColumns == null) {
      enrichmentColumns =
          enriches() ? usersReference().prepare() : new org.apache.spark.sql.types.StructType();
    }
    return enrichmentColumns;
  }

  private boolean enriches() {
    return config.enrich().enabled() && feeds(config, Tables.SILVER_EVENTS);
  }

  private UsersReference usersReference() {
    return new UsersReference(spark, config.enrich(), config.catalog(), config.volume());
  }

  /**
   * Resolves every expectation against the event schema now, so a typo fails before any query
   * starts.
   */
  private void checkExpectations() {
    Dataset<Row> empty = spark.createDataFrame(List.of(), config.ingest().eventSchema());
    List<String> problems = new ArrayList<>();
    for (Expectation rule : config.quality().expectations()) {
      String setting =
          "quality.expect."
              + rule.name()
              + " = '"
              + rule.action().name().toLowerCase(Locale.ROOT)
              + ": "
              + rule.predicate()
              + "'";
      try {
        DataType type =
            empty.select(functions.expr(rule.predicate())).schema().fields()[0].dataType();
        if (!(type instanceof BooleanType)) {
          // Spark would cast a number or a string to a boolean without a word; a rule must be a
          // condition.
          problems.add(
              setting
                  + " is not allowed: the predicate is "
                  + type.sql()
                  + ", not BOOLEAN. Allowed: a SQL condition, e.g. amount >= 0");
        }
      } catch (Exception e) { // AnalysisException
        problems.add(
            setting
                + " cannot be evaluated on ingest.schema: "
                + e.getMessage().strip().lines().findFirst().orElse(""));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /**
   * Runs the pipeline; with a draining trigger, returns when every layer is drained.
   *
   * @throws QueryFailedException if a query fails; its message names the query
   */
  public PipelineRun run() throws TimeoutException {
    Instant startedAt = Instant.now();
    // Two runs writing one checkpoint folder is what the lock prevents: if another run took it
    // over, stop.
    try (InstanceLock lock =
        InstanceLock.acquire(
            spark.sessionState().newHadoopConf(),
            config.volume().checkpoints(),
            queries::requestStop)) {
      reappeared = null; // each run reports every file it finds back
      keepAutoCompactionForLongRuns();
      Pipeline current = withRecordedContract();
      current.setUp();
      current.flushOutboxes();
      // Before bronze starts: a file back under an ingested name is reported (or renamed to be read
      // again) even if no batch runs.
      if (archivesFiles()) {
        if (!DeltaTables.plannedABatch(
            spark.sessionState().newHadoopConf(), config.volume().checkpointFor(BRONZE_QUERY))) {
          current.reappearedFiles().nothingIngestedYet();
        }
        current.reappearedFiles().checkNow(spark.sessionState().newHadoopConf());
      }
      PipelineRun run;
      try (io.lakestream.maintain.MaintenanceSchedule maintenance = maintenanceSchedule()) {
        run = current.runLocked(startedAt);
        // add_new_columns recorded fields: the tables gain them and the queries start again over
        // the wider contract.
        for (int restart = 1;
            current.contractGrew() && !queries.stopRequested() && !lock.lost();
            restart++) {
          if (restart > MAX_CONTRACT_RESTARTS) {
            throw new IllegalStateException(
                "the event contract grew "
                    + MAX_CONTRACT_RESTARTS
                    + " times in one run; run again to go on");
          }
          current = current.withRecordedContract();
          LOG.info(
              "Restarting the queries with the wider event contract: {}",
              current.config.ingest().eventSchema().toDDL());
          current.setUp();
          run = current.runLocked(startedAt);
        }
      } catch (RuntimeException | TimeoutException e) {
        if (!lock.lost()) {
          try {
            current.flushOutboxes();
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
                + " while this run was writing; this"
                + " run stopped its queries (a batch cut short is replayed by the run holding the lock)");
      }
      long flushStarted = System.nanoTime();
      current.flushOutboxes();
      LOG.info(
          "Queries done; audit_batches and archive_log complete after {} ms",
          (System.nanoTime() - flushStarted) / 1_000_000);
      return run;
    }
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
  private io.lakestream.maintain.MaintenanceSchedule maintenanceSchedule() {
    if (!(config.trigger() instanceof TriggerSpec.ProcessingTime)
        || config.maintenance().interval().isEmpty()) {
      return io.lakestream.maintain.MaintenanceSchedule.none();
    }
    return io.lakestream.maintain.MaintenanceSchedule.every(
        config.maintenance().interval().get(),
        new io.lakestream.maintain.Maintenance(spark, config, java.time.Clock.systemUTC()));
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

  private PipelineRun runLocked(Instant startedAt) throws TimeoutException {
    if (config.trigger() instanceof TriggerSpec.AvailableNow availableNow
        && availableNow.requestedAsOnce()) {
      LOG.warn(
          "trigger=once is deprecated by Spark; running as availableNow, which drains in rate-limited batches");
    }
    List<ProgressSink> sinks = new ArrayList<>(List.of(new ProgressLog()));
    sinks.addAll(extraProgressSinks);
    ProgressTable progressTable =
        new ProgressTable(spark, tables.identifier(Tables.PIPELINE_PROGRESS));
    PipelineRun run;
    try (progressTable) {
      sinks.add(progressTable);
      progress = new ProgressListener(sinks);
      spark.streams().addListener(progress);
      try {
        run = runQueries(startedAt);
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
            "Not every query's last progress arrived within 30 s; pipeline_progress may miss its last batches");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private PipelineRun runQueries(Instant startedAt) throws TimeoutException {
    List<StreamingQuery> finished = new ArrayList<>();
    Layer last = config.stopAfter();
    if (config.trigger().stopsWhenDrained()) {
      finished.addAll(queries.awaitAll(List.of(startBronze())));
      // When bronze added fields to the contract, silver and gold start after the restart, over the
      // wider tables.
      boolean restarting = contractGrew();
      if (!restarting && last != Layer.BRONZE && !queries.stopRequested()) {
        finished.addAll(queries.awaitAll(List.of(startSilver())));
      }
      if (!restarting && last == Layer.GOLD && !queries.stopRequested()) {
        finished.addAll(queries.awaitAll(startGold()));
      }
    } else {
      // awaitAnyTermination returns at once if a query of this session ended before; forget those.
      spark.streams().resetTerminated();
      List<StreamingQuery> all = new ArrayList<>(List.of(startBronze()));
      if (last != Layer.BRONZE) {
        all.add(startSilver());
      }
      if (last == Layer.GOLD) {
        all.addAll(startGold());
      }
      try (IdleChecks idle = checkReappearedFilesEveryTrigger()) {
        finished.addAll(queries.awaitAny(all));
      }
    }
    return new PipelineRun(
        spark,
        config,
        startedAt,
        finished,
        reappeared == null ? 0 : reappeared.reportedThisRun(),
        0);
  }

  /** A repeating task stopped when the run ends. */
  private interface IdleChecks extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * With a processingTime trigger, bronze runs a batch only when files arrive; a file back under an
   * ingested name is not one Spark reads, so it is looked for at every trigger interval too.
   */
  private IdleChecks checkReappearedFilesEveryTrigger() {
    if (!archivesFiles()
        || !(config.trigger() instanceof TriggerSpec.ProcessingTime processingTime)) {
      return () -> {};
    }
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "lakestream-reappeared-files");
              thread.setDaemon(true);
              return thread;
            });
    long every = Math.max(1, processingTime.interval().toMillis());
    org.apache.hadoop.conf.Configuration hadoopConf = spark.sessionState().newHadoopConf();
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            reappearedFiles().checkNow(hadoopConf);
          } catch (RuntimeException e) {
            LOG.warn("Could not look for files back in the landing folder: {}", e.toString());
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
    return timer::shutdownNow;
  }

  StreamingQuery startBronze() throws TimeoutException {
    Dataset<Row> parsed =
        new JsonIngest(
                config.volume().landing(),
                config.ingest(),
                config.archiveMode(),
                config.volume().archive())
            .read(spark);
    // Classified on the stream (not in the batch writer) so the per-reason counts can be observed.
    Dataset<Row> classified =
        config.quality().enabled()
            ? new QualityRules(config.quality(), config.ingest().eventSchema()).classify(parsed)
            : parsed;
    Dataset<Row> observed = BronzeMetrics.observe(classified);
    BatchArchiving archiving = reported(archiving());
    return queries.track(
        starter.start(
            BRONZE_QUERY,
            observed,
            OutputMode.Append(),
            txnAppId ->
                new BronzeBatchWriter(
                    BRONZE_QUERY,
                    config.quality(),
                    config.ingest().eventSchema(),
                    tables.identifier(BronzeTable.NAME),
                    bookkeeping.quarantineOutbox(),
                    txnAppId,
                    bookkeeping.audit(BRONZE_QUERY),
                    archiving,
                    config.haltAt(),
                    newFields()),
            Map.of()));
  }

  /** Tells the progress listener what the archiving of each batch did. */
  private BatchArchiving reported(BatchArchiving archiving) {
    return (session, batchId, committed) -> {
      BatchArchiving.Result result = archiving.afterCommit(session, batchId, committed);
      if (progress != null) {
        progress.filesArchived(BRONZE_QUERY, batchId, result.files());
      }
      return result;
    };
  }

  /**
   * Moving and deleting are ours; off leaves files, and spark leaves them to the file source's
   * cleanSource.
   */
  private boolean archivesFiles() {
    return config.archiveMode() == ArchiveMode.MOVE || config.archiveMode() == ArchiveMode.DELETE;
  }

  /**
   * One per pipeline, shared by the start-up, batch and idle checks, so each file is reported once.
   */
  private synchronized ReappearedFiles reappearedFiles() {
    if (reappeared == null) {
      reappeared =
          new ReappearedFiles(
              spark,
              config.volume().landing(),
              tables.identifier(Tables.ARCHIVE_LOG),
              config.ingest().allowOverwrites());
    }
    return reappeared;
  }

  private BatchArchiving archiving() {
    if (!archivesFiles()) {
      return BatchArchiving.NONE;
    }
    return BatchArchiving.of(
        new Archiver(
            config.archiveMode(),
            config.volume().landing(),
            config.volume().archive(),
            config.volume().checkpointFor(BRONZE_QUERY),
            config.haltAt(),
            bookkeeping.archiveLog()),
        reappearedFiles());
  }

  StreamingQuery startSilver() throws TimeoutException {
    Dataset<Row> bronze =
        tables.readStream(BronzeTable.NAME, config.volume().checkpointFor(SILVER_QUERY));
    Dataset<Row> cleaned =
        new AddEventDate()
            .apply(
                new NormalizeIdentifiers()
                    .apply(new ValidEvents(config.ingest().eventSchema()).apply(bronze)));
    Dataset<Row> deduplicated = new Deduplicate(config.aggregation().dedupHorizon()).apply(cleaned);
    // After deduplication: its state holds only the events' own columns, and fewer rows meet the
    // join.
    Dataset<Row> enriched =
        enriches() ? new EnrichWithUsers(usersReference()).apply(deduplicated) : deduplicated;
    Dataset<Row> silver = enriched.select(columnsOf(silverTable()));
    return startTableQuery(SILVER_QUERY, silver, TableBatchWriter.Mode.APPEND, List.of());
  }

  List<StreamingQuery> startGold() throws TimeoutException {
    return List.of(
        startTableQuery(
            EVENT_COUNTS_QUERY,
            new EventCounts(config.aggregation()).apply(silverStream(EVENT_COUNTS_QUERY)),
            TableBatchWriter.Mode.of(config.aggregation().eventCountsMode()),
            Tables.EVENT_COUNTS_KEY),
        startTableQuery(
            TYPE_TOTALS_QUERY,
            new EventTypeTotals().apply(silverStream(TYPE_TOTALS_QUERY)),
            TableBatchWriter.Mode.of(config.aggregation().typeTotalsMode()),
            Tables.EVENT_TYPE_TOTALS_KEY),
        startTableQuery(
            SESSIONS_QUERY,
            new Sessionize(config.aggregation()).apply(silverStream(SESSIONS_QUERY)),
            TableBatchWriter.Mode.APPEND,
            List.of()));
  }

  private Dataset<Row> silverStream(String queryName) {
    return tables.readStream(Tables.SILVER_EVENTS, config.volume().checkpointFor(queryName));
  }

  private StreamingQuery startTableQuery(
      String queryName,
      Dataset<Row> stream,
      TableBatchWriter.Mode writeMode,
      List<String> mergeKeys)
      throws TimeoutException {
    StreamingQuery query =
        starter.start(
            queryName,
            stream,
            writeMode.outputMode(),
            txnAppId ->
                new TableBatchWriter(
                    queryName,
                    tables.identifier(queryName),
                    writeMode,
                    mergeKeys,
                    txnAppId,
                    bookkeeping.audit(queryName)),
            // Every query after bronze keeps state (deduplication, windows, sessions).
            SparkSessions.stateConf(config.state(), spark.conf()));
    LOG.info(
        "Started query {} ({} mode, trigger {})",
        queryName,
        writeMode.outputMode(),
        config.trigger());
    return queries.track(query);
  }

  /**
   * Appends what every query saved for audit_batches, archive_log and quarantine_events; at the
   * start and end of a run.
   */
  void flushOutboxes() {
    bookkeeping.flushAll();
  }

  private static Column[] columnsOf(TableDefinition table) {
    return Arrays.stream(table.schema().fieldNames()).map(functions::col).toArray(Column[]::new);
  }
}

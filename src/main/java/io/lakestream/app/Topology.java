package io.lakestream.app;

import io.lakestream.archive.BatchArchiving;
import io.lakestream.archive.SourceLogRollover;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.config.LakestreamConfig.Layer;
import io.lakestream.config.SchemaEvolution;
import io.lakestream.contract.EventContract;
import io.lakestream.contract.NewFields;
import io.lakestream.enrich.EnrichWithUsers;
import io.lakestream.enrich.UsersReference;
import io.lakestream.sink.QueryStopper;
import io.lakestream.sink.TableBatchWriter;
import io.lakestream.stage.AddEventDate;
import io.lakestream.stage.Deduplicate;
import io.lakestream.stage.EventCounts;
import io.lakestream.stage.EventTypeTotals;
import io.lakestream.stage.NormalizeIdentifiers;
import io.lakestream.stage.Sessionize;
import io.lakestream.stage.Stage;
import io.lakestream.stage.ValidEvents;
import io.lakestream.table.BronzeTable;
import io.lakestream.table.DeltaTables;
import io.lakestream.table.TableDefinition;
import io.lakestream.table.Tables;
import io.lakestream.table.UnreadHistory;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * What the pipeline is, apart from how it runs: the tables a run feeds and one {@link QueryPlan}
 * per query,
 *
 * <pre>
 * landing --bronze_events--> bronze_events (+ quarantine_events)
 *         --silver_events--> silver_events          valid, normalized, deduplicated, enriched (ref_users)
 *         --gold_event_counts / gold_event_type_totals / gold_user_sessions--> gold tables
 * </pre>
 *
 * for one event contract; {@link #withContract} gives the same topology over a wider one.
 */
final class Topology {

  static final String BRONZE_QUERY = BronzeTable.NAME;
  static final String SILVER_QUERY = Tables.SILVER_EVENTS;
  static final String EVENT_COUNTS_QUERY = Tables.GOLD_EVENT_COUNTS;
  static final String TYPE_TOTALS_QUERY = Tables.GOLD_EVENT_TYPE_TOTALS;
  static final String SESSIONS_QUERY = Tables.GOLD_USER_SESSIONS;

  /** Every query, in the order the layers run. */
  static final List<String> QUERIES =
      List.of(BRONZE_QUERY, SILVER_QUERY, EVENT_COUNTS_QUERY, TYPE_TOTALS_QUERY, SESSIONS_QUERY);

  private final SparkSession spark;
  private final LakestreamConfig config;
  private final DeltaTables tables;
  private final Bookkeeping bookkeeping;
  private final BatchArchiving archiving;
  private final EventContract contract;

  /** The columns enrichment adds to silver, read once from the reference table at set-up. */
  private final AtomicReference<StructType> enrichmentColumns;

  /** The runner's, for bronze to be stopped when its contract grew. */
  private final QueryStopper stopper;

  /** Which file-source log bronze runs on, and when it needs a new one. */
  private final SourceLogRollover sourceLog;

  /**
   * @param archiving what bronze does with its files once a batch is committed
   * @param enrichmentColumns holds the enrichment columns once read; shared by the topologies of a
   *     run
   */
  Topology(
      SparkSession spark,
      LakestreamConfig config,
      DeltaTables tables,
      Bookkeeping bookkeeping,
      BatchArchiving archiving,
      AtomicReference<StructType> enrichmentColumns,
      QueryStopper stopper,
      SourceLogRollover sourceLog) {
    this.sourceLog = sourceLog;
    this.spark = spark;
    this.config = config;
    this.tables = tables;
    this.bookkeeping = bookkeeping;
    this.archiving = archiving;
    this.enrichmentColumns = enrichmentColumns;
    this.stopper = stopper;
    this.contract =
        new EventContract(
            spark,
            config.ingest(),
            config.volume().landing(),
            config.volume().checkpointFor(BRONZE_QUERY));
  }

  LakestreamConfig config() {
    return config;
  }

  /** The event contract as bronze records it, to compare with the one this topology runs. */
  EventContract contract() {
    return contract;
  }

  /** This topology over another event contract (the recorded one, after fields were added). */
  Topology withContract(StructType eventSchema) {
    return new Topology(
        spark,
        config.withEventSchema(eventSchema),
        tables,
        bookkeeping,
        archiving,
        enrichmentColumns,
        stopper,
        sourceLog);
  }

  /** Whether fields were recorded that this topology's contract lacks. */
  boolean contractGrew() {
    return contract.grewBeyond(config.ingest().eventSchema());
  }

  /**
   * The tables of the layers this run feeds (pipeline.stop_after: a bronze-only run prepares no
   * silver or gold), each defined when asked: silver's columns wait for the users reference (read,
   * or created from its seed on a new volume), so the other tables are prepared meanwhile (see
   * VolumeSetup#ensureTablesMadeBy).
   */
  List<Supplier<TableDefinition>> tableMakers() {
    Map<String, Supplier<TableDefinition>> makers = new LinkedHashMap<>();
    makers.put(BronzeTable.NAME, () -> BronzeTable.definition(config.ingest().columnsSchema()));
    makers.put(Tables.QUARANTINE_EVENTS, Tables::quarantine);
    makers.put(Tables.AUDIT_BATCHES, Tables::audit);
    makers.put(Tables.ARCHIVE_LOG, Tables::archiveLog);
    makers.put(Tables.PIPELINE_PROGRESS, Tables::pipelineProgress);
    makers.put(Tables.SILVER_EVENTS, this::silverTable);
    makers.put(Tables.GOLD_EVENT_COUNTS, Tables::eventCounts);
    makers.put(Tables.GOLD_EVENT_TYPE_TOTALS, Tables::eventTypeTotals);
    makers.put(Tables.GOLD_USER_SESSIONS, Tables::userSessions);
    return makers.entrySet().stream()
        .filter(table -> feeds(config, table.getKey()))
        .map(Map.Entry::getValue)
        .toList();
  }

  /**
   * Whether a run with this configuration writes the table: silver and gold tables only up to
   * stop_after.
   */
  static boolean feeds(LakestreamConfig config, String table) {
    return layerOf(table).compareTo(config.stopAfter()) <= 0;
  }

  private static Layer layerOf(String table) {
    return switch (table) {
      case Tables.SILVER_EVENTS -> Layer.SILVER;
      case Tables.GOLD_EVENT_COUNTS, Tables.GOLD_EVENT_TYPE_TOTALS, Tables.GOLD_USER_SESSIONS ->
          Layer.GOLD;
      default -> Layer.BRONZE;
    };
  }

  /** The layers this run feeds, in order. */
  List<Layer> layers() {
    return Arrays.stream(Layer.values())
        .filter(layer -> layer.compareTo(config.stopAfter()) <= 0)
        .toList();
  }

  /** The queries of one layer. */
  List<QueryPlan> plans(Layer layer) {
    return switch (layer) {
      case BRONZE -> List.of(bronze());
      case SILVER -> List.of(silver());
      case GOLD -> gold();
    };
  }

  private QueryPlan bronze() {
    return new BronzeQuery(
            spark,
            config,
            tables,
            bookkeeping,
            archiving,
            stopper,
            sourceLog,
            newFields(),
            // Silver's first batch then finds the reference's file list read.
            enriches() ? usersReference()::loadLatestSnapshotInBackground : () -> {})
        .plan();
  }

  private QueryPlan silver() {
    Stage silver =
        new ValidEvents(config.ingest().columnsSchema())
            .then(new NormalizeIdentifiers())
            .then(new AddEventDate())
            .then(new Deduplicate(config.aggregation().dedupHorizon()))
            // After deduplication: its state holds only the events' own columns, and fewer rows
            // meet the join.
            .then(enriches() ? new EnrichWithUsers(usersReference()) : Stage.identity())
            .then(events -> events.select(silverTable().columns()));
    return tableQuery(
        SILVER_QUERY,
        Layer.SILVER,
        BronzeTable.NAME,
        silver,
        TableBatchWriter.Mode.APPEND,
        List.of());
  }

  private List<QueryPlan> gold() {
    return List.of(
        tableQuery(
            EVENT_COUNTS_QUERY,
            Layer.GOLD,
            Tables.SILVER_EVENTS,
            new EventCounts(config.aggregation()),
            TableBatchWriter.Mode.of(config.aggregation().eventCountsMode()),
            Tables.EVENT_COUNTS_KEY),
        tableQuery(
            TYPE_TOTALS_QUERY,
            Layer.GOLD,
            Tables.SILVER_EVENTS,
            new EventTypeTotals(),
            TableBatchWriter.Mode.of(config.aggregation().typeTotalsMode()),
            Tables.EVENT_TYPE_TOTALS_KEY),
        tableQuery(
            SESSIONS_QUERY,
            Layer.GOLD,
            Tables.SILVER_EVENTS,
            new Sessionize(config.aggregation()),
            TableBatchWriter.Mode.APPEND,
            List.of()));
  }

  /** A query after bronze: it streams from a table of the layer before and writes its own. */
  private QueryPlan tableQuery(
      String queryName,
      Layer layer,
      String upstreamTable,
      Stage stages,
      TableBatchWriter.Mode writeMode,
      List<String> mergeKeys) {
    return new QueryPlan(
        queryName,
        layer,
        () ->
            tables.readStream(
                upstreamTable,
                config.volume().checkpointFor(queryName),
                config.maintenance().fileRetention()),
        stages,
        writeMode.outputMode(),
        txnIdentity ->
            new TableBatchWriter(
                queryName,
                tables.identifier(queryName),
                writeMode,
                mergeKeys,
                txnIdentity,
                bookkeeping.audit(queryName)),
        // Every query after bronze keeps state (deduplication, windows, sessions).
        SparkSessions.stateConf(config.state(), spark));
  }

  /**
   * Stops the run, before any query starts, if a query after bronze cannot read every upstream row
   * it has not read yet (log entries or data files deleted by retention while it was stopped).
   */
  void checkUnreadHistory(org.apache.hadoop.conf.Configuration hadoopConf) {
    Map<String, String> upstreamOf = new LinkedHashMap<>();
    upstreamOf.put(SILVER_QUERY, BronzeTable.NAME);
    for (String gold : List.of(EVENT_COUNTS_QUERY, TYPE_TOTALS_QUERY, SESSIONS_QUERY)) {
      upstreamOf.put(gold, Tables.SILVER_EVENTS);
    }
    upstreamOf.forEach(
        (query, upstream) -> {
          if (feeds(config, query)) {
            UnreadHistory.check(
                hadoopConf,
                query,
                config.volume().checkpointFor(query),
                tables.identifier(upstream),
                tables.location(upstream),
                config.maintenance().fileRetention());
          }
        });
  }

  /** What the bronze writer does with fields outside the contract. */
  private NewFields newFields() {
    SchemaEvolution mode = config.ingest().schemaEvolution();
    if (mode != SchemaEvolution.ADD_NEW_COLUMNS) {
      return NewFields.of(mode);
    }
    Set<String> taken = new HashSet<>();
    for (TableDefinition table :
        List.of(BronzeTable.definition(config.ingest().columnsSchema()), silverTable())) {
      for (String column : table.schema().fieldNames()) {
        taken.add(column.toLowerCase(Locale.ROOT));
      }
    }
    return new NewFields(mode, contract.history(), taken, config.ingest().nested());
  }

  /** Silver's definition: the event columns, lakestream's, and those enrichment adds. */
  private TableDefinition silverTable() {
    return Tables.silver(config.ingest().columnsSchema(), enrichmentColumns());
  }

  private StructType enrichmentColumns() {
    synchronized (enrichmentColumns) {
      if (enrichmentColumns.get() == null) {
        enrichmentColumns.set(enriches() ? usersReference().prepare() : new StructType());
      }
      return enrichmentColumns.get();
    }
  }

  private boolean enriches() {
    return config.enrich().enabled() && feeds(config, Tables.SILVER_EVENTS);
  }

  private UsersReference usersReference() {
    return new UsersReference(spark, config.enrich(), config.catalog(), config.volume());
  }
}

package io.lakestream.app;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.lakestream.app.SummaryCache.Figures;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.config.SinkKind;
import io.lakestream.fs.HadoopFiles;
import io.lakestream.table.BronzeTable;
import io.lakestream.table.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects a {@link RunSummary} after a run: this run's rows from {@code audit_batches}, totals per
 * table, quarantined rows per reason, files processed and archived, read side by side; totals of
 * tables that did not change since the last summary come from {@link SummaryCache}.
 */
final class RunSummaryReader {

  private static final Logger LOG = LoggerFactory.getLogger(RunSummaryReader.class);

  /** Keys of the figures read from bronze_events and audit_batches. */
  private static final String ROWS = "rows";

  private static final String FILES = "files";
  private static final String ARCHIVED = "files_archived";
  private static final String FAILING = "archive_failures";

  private RunSummaryReader() {}

  /**
   * @param filesReappeared files found back under an ingested name this run, whether or not a batch
   *     ran
   */
  static RunSummary read(
      SparkSession spark,
      LakestreamConfig config,
      Instant startedAt,
      List<StreamingQuery> queries,
      long filesReappeared,
      long progressRowsNotWritten) {
    Timestamp since = Timestamp.from(startedAt);
    SummaryCache cache = SummaryCache.load(spark, config);
    // The reads below are independent: run them side by side, each waits mostly on its own Delta
    // snapshot.
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<Figures> audit =
          pool.submit(
              () -> cache.figures(Tables.AUDIT_BATCHES, table -> auditFigures(table, since)));
      Future<Figures> archived = pool.submit(() -> cache.rowCount(Tables.ARCHIVE_LOG, ROWS));
      Future<Figures> bronze =
          pool.submit(() -> cache.figures(BronzeTable.NAME, table -> bronzeFigures(table, since)));
      Future<Figures> reasons =
          pool.submit(
              () -> cache.figures(Tables.QUARANTINE_EVENTS, RunSummaryReader::quarantineFigures));
      Map<String, Future<Figures>> downstream = new LinkedHashMap<>();
      for (String table : RunSummary.TABLES) {
        if (config.sinkOf(table) == SinkKind.DELTA
            && Topology.feeds(config, table)
            && !table.equals(BronzeTable.NAME)
            && !table.equals(Tables.QUARANTINE_EVENTS)) {
          downstream.put(table, pool.submit(() -> cache.rowCount(table, ROWS)));
        }
      }

      Figures auditFigures = audit.get();
      Figures bronzeFigures = bronze.get();
      Map<String, Long> byReason = new TreeMap<>(reasons.get().totals());
      Map<String, Long> totals = new LinkedHashMap<>();
      for (String table : RunSummary.TABLES) {
        if (table.equals(BronzeTable.NAME)) {
          totals.put(table, bronzeFigures.total(ROWS));
        } else if (table.equals(Tables.QUARANTINE_EVENTS)) {
          totals.put(table, byReason.values().stream().mapToLong(Long::longValue).sum());
        } else if (downstream.containsKey(table)) {
          totals.put(table, downstream.get(table).get().total(ROWS));
        }
      }
      Map<String, Long> thisRun = new LinkedHashMap<>(auditFigures.thisRun());
      long archivedThisRun = Optional.ofNullable(thisRun.remove(ARCHIVED)).orElse(0L);
      RunSummary.FileActivity archiving =
          new RunSummary.FileActivity(
              archivedThisRun,
              archived.get().total(ROWS),
              auditFigures.total(FAILING),
              filesReappeared);
      cache.save();
      LOG.info(
          "Summary figures per table (SummaryCache.Source): {}", new TreeMap<>(cache.sources()));
      return new RunSummary(
          Duration.between(startedAt, Instant.now()),
          thisRun,
          totals,
          byReason,
          bronzeFigures.total(FILES),
          bronzeFigures.thisRun().getOrDefault(FILES, 0L),
          archiving,
          lateRowsDropped(queries),
          progressRowsNotWritten,
          new TreeMap<>(cache.sources()),
          filesNotMatchingGlob(spark, config),
          filesOutsidePartitionLayout(spark, config, since),
          filesBeforeStartPoint(spark, config));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading the run summary", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime
          ? runtime
          : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * One pass over audit_batches: this run's rows per query (bronze's quarantined rows and archived
   * files too), and bronze's latest archive_failures (every bronze batch retries all failed moves,
   * so the latest count is what is still failing).
   */
  private static Figures auditFigures(Dataset<Row> audit, Timestamp since) {
    Column thisRunOnly = col("started_at").geq(lit(since));
    Map<String, Long> thisRun = new LinkedHashMap<>();
    Map<String, Long> latest = new LinkedHashMap<>();
    for (Row row :
        audit
            .groupBy("query")
            .agg(
                sum(when(thisRunOnly, col("rows_written"))),
                sum(when(thisRunOnly, col("rows_quarantined"))),
                sum(when(thisRunOnly, col("files_archived"))),
                max_by(col("archive_failures"), col("started_at")),
                max(col("started_at")).geq(lit(since)))
            .collectAsList()) {
      String query = row.getString(0);
      boolean ranThisRun = row.getBoolean(5);
      if (ranThisRun) {
        thisRun.put(query, row.getLong(1));
      }
      if (query.equals(Topology.BRONZE_QUERY)) {
        if (ranThisRun) {
          thisRun.put(Tables.QUARANTINE_EVENTS, row.getLong(2));
          thisRun.put(ARCHIVED, row.getLong(3));
        }
        latest.put(FAILING, row.getLong(4));
      }
    }
    return new Figures(Map.of(), thisRun, latest);
  }

  /**
   * Rows and file ingestions (a source file in the batch that read it) in all, and those of this
   * run. A file read again under {@code ingest.allow_overwrites} is one more ingestion: figures of
   * rows appended since the last summary then add up to those of the whole table. One grouping by
   * file and batch time (a few rows per task after the map side's partial aggregation), not two
   * distinct counts, which Spark plans as an expansion of every row.
   */
  private static Figures bronzeFigures(Dataset<Row> bronze, Timestamp since) {
    Dataset<Row> perIngestion =
        bronze
            .groupBy(col(BronzeTable.SOURCE_FILE).as("file"), col(BronzeTable.INGESTED_AT))
            .agg(count(lit(1)).as("rows"));
    Row files =
        perIngestion
            .agg(
                count(col("file")),
                count(
                    when(
                        col("file").isNotNull().and(col(BronzeTable.INGESTED_AT).geq(lit(since))),
                        lit(1))),
                sum(col("rows")))
            .first();
    long rows = files.isNullAt(2) ? 0 : files.getLong(2);
    return new Figures(
        Map.of(ROWS, rows, FILES, files.getLong(0)), Map.of(FILES, files.getLong(1)));
  }

  /** Quarantined rows per reason. */
  private static Figures quarantineFigures(Dataset<Row> quarantine) {
    Map<String, Long> byReason = new TreeMap<>();
    quarantine
        .groupBy("reason")
        .count()
        .collectAsList()
        .forEach(row -> byReason.put(row.getString(0), row.getLong(1)));
    return new Figures(byReason, Map.of());
  }

  /**
   * The files in landing (hidden ones aside) whose names ingest.path_glob does not match: what it
   * leaves unread, listed once per run; none without a glob.
   */
  private static long filesNotMatchingGlob(SparkSession spark, LakestreamConfig config) {
    if (config.ingest().pathGlob().isEmpty()) {
      return 0;
    }
    java.util.function.Predicate<String> reads = config.ingest().fileNames();
    HadoopFiles files = new HadoopFiles(spark);
    Path landing = new Path(config.volume().landing());
    try {
      return HadoopFiles.visibleFiles(files.fileSystemOf(landing), landing).stream()
          .filter(file -> !reads.test(file.getPath().getName()))
          .count();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + landing, e);
    }
  }

  /** The files in landing that ingest.start=new leaves unread; none without a start point. */
  private static long filesBeforeStartPoint(SparkSession spark, LakestreamConfig config) {
    org.apache.hadoop.conf.Configuration hadoopConf = io.lakestream.fs.SessionHadoopConf.of(spark);
    return io.lakestream.source.StartPoint.stored(
            hadoopConf, config.volume().checkpointFor(Topology.BRONZE_QUERY))
        .filesLeftUnread(hadoopConf, config.volume().landing(), config.ingest());
  }

  /**
   * The files read this run whose path lacks one of ingest.partition_columns' folders, from the
   * run's bronze rows (skipped by Delta's statistics on {@code _ingested_at}); none without the
   * key.
   */
  private static long filesOutsidePartitionLayout(
      SparkSession spark, LakestreamConfig config, Timestamp since) {
    if (config.ingest().partitionColumns().isEmpty()
        || !spark.catalog().tableExists(config.catalog().tableIdentifier(BronzeTable.NAME))) {
      return 0;
    }
    io.lakestream.stage.PartitionValues layout =
        io.lakestream.stage.PartitionValues.of(config.volume().landing(), config.ingest());
    return spark
        .table(config.catalog().tableIdentifier(BronzeTable.NAME))
        .where(org.apache.spark.sql.functions.col(BronzeTable.INGESTED_AT).geq(since))
        .where(layout.outsideLayout())
        .select(BronzeTable.SOURCE_FILE)
        .distinct()
        .count();
  }

  /** Rows each stateful query dropped as older than its watermark, from the queries' progress. */
  private static Map<String, Long> lateRowsDropped(List<StreamingQuery> queries) {
    Map<String, Long> late = new LinkedHashMap<>();
    for (StreamingQuery query : queries) {
      long dropped = 0;
      boolean stateful = false;
      for (StreamingQueryProgress progress : query.recentProgress()) {
        for (StateOperatorProgress operator : progress.stateOperators()) {
          stateful = true;
          dropped += operator.numRowsDroppedByWatermark();
        }
      }
      if (stateful) {
        late.put(query.name(), dropped);
      }
    }
    return late;
  }
}

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
import io.lakestream.table.BronzeTable;
import io.lakestream.table.Tables;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * What a run did and what the tables hold afterwards: rows per table (this run, from {@code
 * audit_batches}; in total), quarantined rows per reason, files processed and archived, and the
 * rows each stateful query dropped as older than its watermark (from the queries' progress). Totals
 * of tables that did not change since the last summary come from {@link SummaryCache}.
 */
public record RunSummary(
    Duration elapsed,
    Map<String, Long> rowsThisRun,
    Map<String, Long> rowsTotal,
    Map<String, Long> quarantinedByReason,
    long files,
    long filesThisRun,
    FileActivity archiving,
    Map<String, Long> lateRowsDropped,
    long progressRowsNotWritten,
    Map<String, SummaryCache.Source> figureSources) {

  /**
   * What happened to landing files: archived (moved or deleted) this run and in all, failing moves,
   * reappeared.
   */
  public record FileActivity(
      long archivedThisRun, long archived, long failing, long reappearedThisRun) {}

  public static final List<String> TABLES = Tables.EVENT_TABLES;

  private static final Logger LOG = LoggerFactory.getLogger(RunSummary.class);

  /** Keys of the figures read from bronze_events and audit_batches. */
  private static final String ROWS = "rows";

  private static final String FILES = "files";
  private static final String ARCHIVED = "files_archived";
  private static final String FAILING = "archive_failures";

  /**
   * @param filesReappeared files found back under an ingested name this run, whether or not a batch
   *     ran
   */
  static RunSummary collect(
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
          pool.submit(() -> cache.figures(Tables.QUARANTINE_EVENTS, RunSummary::quarantineFigures));
      Map<String, Future<Figures>> downstream = new LinkedHashMap<>();
      for (String table : TABLES) {
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
      for (String table : TABLES) {
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
      FileActivity archiving =
          new FileActivity(
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
          new TreeMap<>(cache.sources()));
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

  /** The lines printed at the end of a run. */
  public String render() {
    String format = "  %-24s %10s %10s%n";
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT, "lakestream run finished in %.1f s%n", elapsed.toMillis() / 1000.0));
    text.append(String.format(Locale.ROOT, format, "table", "this run", "total"));
    for (String table : TABLES) {
      text.append(
          String.format(
              Locale.ROOT,
              format,
              table,
              String.valueOf(rowsThisRun.getOrDefault(table, 0L)),
              rowsTotal.containsKey(table) ? String.valueOf(rowsTotal.get(table)) : "-"));
    }
    text.append(String.format(Locale.ROOT, format, "files processed", filesThisRun, files));
    text.append(
        String.format(
            Locale.ROOT,
            format,
            "files archived",
            archiving.archivedThisRun(),
            archiving.archived()));
    if (archiving.failing() > 0) {
      text.append(
          "  files that could not be archived yet (retried with the next batch): "
              + archiving.failing()
              + "\n");
    }
    if (archiving.reappearedThisRun() > 0) {
      text.append(
          "  files back in the landing folder under an already ingested name (see the log; read again only when"
              + " changed and ingest.allow_overwrites=true): "
              + archiving.reappearedThisRun()
              + "\n");
    }
    if (!quarantinedByReason.isEmpty()) {
      text.append("  quarantined by reason: ");
      text.append(
          String.join(
              ", ",
              quarantinedByReason.entrySet().stream()
                  .map(e -> e.getKey() + " " + e.getValue())
                  .toList()));
      text.append('\n');
    }
    if (progressRowsNotWritten > 0) {
      text.append(
          "  pipeline_progress rows that could not be appended (those batches are only in the log): "
              + progressRowsNotWritten
              + "\n");
    }
    if (!lateRowsDropped.isEmpty()) {
      text.append("  late rows dropped by the watermark this run: ");
      text.append(
          String.join(
              ", ",
              lateRowsDropped.entrySet().stream()
                  .map(e -> e.getKey() + " " + e.getValue())
                  .toList()));
      text.append('\n');
    }
    return text.toString();
  }

  public long total(String table) {
    return rowsTotal.getOrDefault(table, 0L);
  }

  public long thisRun(String table) {
    return rowsThisRun.getOrDefault(table, 0L);
  }
}

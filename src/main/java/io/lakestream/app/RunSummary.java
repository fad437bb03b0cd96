package io.lakestream.app;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.lakestream.config.LakestreamConfig;
import io.lakestream.config.SinkKind;
import io.lakestream.sink.BronzeTable;
import io.lakestream.sink.DeltaTables;
import io.lakestream.sink.Tables;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * What a run did and what the tables hold afterwards: rows per table (this run, from {@code audit_batches};
 * in total), quarantined rows per reason, files processed and archived, and the rows each stateful query dropped as
 * older than its watermark (from the queries' progress).
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
    long progressRowsNotWritten) {

  /** What happened to landing files: archived (moved or deleted) this run and in all, failing moves, reappeared. */
  public record FileActivity(long archivedThisRun, long archived, long failing, long reappearedThisRun) {}

  public static final List<String> TABLES =
      List.of(
          BronzeTable.NAME,
          Tables.QUARANTINE_EVENTS,
          Tables.SILVER_EVENTS,
          Tables.GOLD_EVENT_COUNTS,
          Tables.GOLD_EVENT_TYPE_TOTALS,
          Tables.GOLD_USER_SESSIONS);

  /** @param filesReappeared files found back under an ingested name this run, whether or not a batch ran */
  static RunSummary collect(
      SparkSession spark, LakestreamConfig config, Instant startedAt, List<StreamingQuery> queries, long filesReappeared, long progressRowsNotWritten) {
    DeltaTables tables = new DeltaTables(spark, config.catalog(), config.volume());
    Timestamp since = Timestamp.from(startedAt);
    // The reads below are independent: run them side by side, each waits mostly on its own Delta snapshot.
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      // One pass over audit_batches: this run's rows per query, and bronze's latest archive_failures (every
      // bronze batch retries all failed moves, so the latest count is what is still failing).
      Column thisRunOnly = col("started_at").geq(lit(since));
      Future<List<Row>> audit =
          pool.submit(
              () ->
                  spark.table(tables.identifier(Tables.AUDIT_BATCHES))
                      .groupBy("query")
                      .agg(
                          sum(when(thisRunOnly, col("rows_written"))),
                          sum(when(thisRunOnly, col("rows_quarantined"))),
                          sum(when(thisRunOnly, col("files_archived"))),
                          max_by(col("archive_failures"), col("started_at")),
                          max(col("started_at")).geq(lit(since)))
                      .collectAsList());
      Future<Long> archivedInAll = pool.submit(() -> spark.table(tables.identifier(Tables.ARCHIVE_LOG)).count());
      Map<String, Future<Long>> totalFutures = new LinkedHashMap<>();
      for (String table : TABLES) {
        // Bronze and quarantine totals come with the reads below, which scan those tables anyway.
        if (config.sinkOf(table) == SinkKind.DELTA && Pipeline.feeds(config, table)
            && !table.equals(BronzeTable.NAME) && !table.equals(Tables.QUARANTINE_EVENTS)) {
          totalFutures.put(table, pool.submit(() -> spark.table(tables.identifier(table)).count()));
        }
      }
      Future<List<Row>> reasons =
          pool.submit(() -> spark.table(tables.identifier(Tables.QUARANTINE_EVENTS)).groupBy("reason").count().collectAsList());
      Future<Row> fileCounts =
          pool.submit(
              () ->
                  spark.table(tables.identifier(BronzeTable.NAME))
                      .agg(
                          count_distinct(col(BronzeTable.SOURCE_FILE)),
                          count_distinct(when(col(BronzeTable.INGESTED_AT).geq(lit(since)), col(BronzeTable.SOURCE_FILE))),
                          count(lit(1)))
                      .first());

      Map<String, Long> thisRun = new LinkedHashMap<>();
      long archivedThisRun = 0;
      long failing = 0;
      for (Row row : audit.get()) {
        String query = row.getString(0);
        boolean ranThisRun = row.getBoolean(5);
        if (ranThisRun) {
          thisRun.put(query, row.getLong(1));
        }
        if (query.equals(Pipeline.BRONZE_QUERY)) {
          if (ranThisRun) {
            thisRun.put(Tables.QUARANTINE_EVENTS, row.getLong(2));
            archivedThisRun = row.getLong(3);
          }
          failing = row.getLong(4);
        }
      }
      FileActivity archiving = new FileActivity(archivedThisRun, archivedInAll.get(), failing, filesReappeared);
      Map<String, Long> byReason = new TreeMap<>();
      reasons.get().forEach(row -> byReason.put(row.getString(0), row.getLong(1)));
      Row files = fileCounts.get();
      Map<String, Long> totals = new LinkedHashMap<>();
      for (String table : TABLES) {
        if (table.equals(BronzeTable.NAME)) {
          totals.put(table, files.getLong(2));
        } else if (table.equals(Tables.QUARANTINE_EVENTS)) {
          totals.put(table, byReason.values().stream().mapToLong(Long::longValue).sum());
        } else if (totalFutures.containsKey(table)) {
          totals.put(table, totalFutures.get(table).get());
        }
      }
      return new RunSummary(
          Duration.between(startedAt, Instant.now()), thisRun, totals, byReason, files.getLong(0), files.getLong(1), archiving,
          lateRowsDropped(queries), progressRowsNotWritten);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading the run summary", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
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
    text.append(String.format(Locale.ROOT, "lakestream run finished in %.1f s%n", elapsed.toMillis() / 1000.0));
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
    text.append(String.format(Locale.ROOT, format, "files archived", archiving.archivedThisRun(), archiving.archived()));
    if (archiving.failing() > 0) {
      text.append("  files that could not be archived yet (retried with the next batch): " + archiving.failing() + "\n");
    }
    if (archiving.reappearedThisRun() > 0) {
      text.append(
          "  files back in the landing folder under an already ingested name (see the log; read again only when"
              + " changed and ingest.allow_overwrites=true): " + archiving.reappearedThisRun() + "\n");
    }
    if (!quarantinedByReason.isEmpty()) {
      text.append("  quarantined by reason: ");
      text.append(String.join(", ", quarantinedByReason.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
      text.append('\n');
    }
    if (progressRowsNotWritten > 0) {
      text.append("  pipeline_progress rows that could not be appended (those batches are only in the log): " + progressRowsNotWritten + "\n");
    }
    if (!lateRowsDropped.isEmpty()) {
      text.append("  late rows dropped by the watermark this run: ");
      text.append(String.join(", ", lateRowsDropped.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
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

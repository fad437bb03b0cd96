package io.lakestream.app;

import io.lakestream.config.LakestreamConfig;
import io.lakestream.table.Tables;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * What a run did and what the tables hold afterwards: rows per table (this run, from {@code
 * audit_batches}; in total), quarantined rows per reason, files processed and archived, and the
 * rows each stateful query dropped as older than its watermark (from the queries' progress), and
 * the files in landing that {@code ingest.path_glob} leaves unread. Totals of tables that did not
 * change since the last summary come from {@link SummaryCache}.
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
    Map<String, SummaryCache.Source> figureSources,
    long filesNotMatchingGlob,
    long filesOutsidePartitionLayout,
    long filesBeforeStartPoint) {

  /**
   * What happened to landing files: archived (moved or deleted) this run and in all, failing moves,
   * reappeared.
   */
  public record FileActivity(
      long archivedThisRun, long archived, long failing, long reappearedThisRun) {}

  public static final List<String> TABLES = Tables.EVENT_TABLES;

  /** Reads the tables (and the summary cache) after a run; see {@link RunSummaryReader}. */
  static RunSummary collect(
      SparkSession spark,
      LakestreamConfig config,
      Instant startedAt,
      List<StreamingQuery> queries,
      long filesReappeared,
      long progressRowsNotWritten) {
    return RunSummaryReader.read(
        spark, config, startedAt, queries, filesReappeared, progressRowsNotWritten);
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
    if (filesNotMatchingGlob > 0) {
      text.append(
          "  files in landing that ingest.path_glob leaves unread: " + filesNotMatchingGlob + "\n");
    }
    if (filesBeforeStartPoint > 0) {
      text.append(
          "  files in landing from before the checkpoint's first start, which ingest.start=new leaves"
              + " unread: "
              + filesBeforeStartPoint
              + "\n");
    }
    if (filesOutsidePartitionLayout > 0) {
      text.append(
          "  files read this run outside ingest.partition_columns' folders (their rows keep their own"
              + " fields, or null): "
              + filesOutsidePartitionLayout
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

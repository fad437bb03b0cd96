package io.lakestream.maintain;

import io.lakestream.config.CatalogSettings;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.config.SqlText;
import io.lakestream.fs.HadoopFiles;
import io.lakestream.table.Concurrently;
import io.lakestream.table.DeltaTables;
import io.lakestream.table.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One maintenance pass over lakestream's tables: old bookkeeping rows deleted
 * (maintain.progress_retention), optionally an {@code OPTIMIZE} (compaction), then {@code VACUUM}
 * with each table's own file retention (maintain.file_retention), and archived files past
 * archive.retention deleted.
 *
 * <p>The pass never changes what a table holds for a query: {@code OPTIMIZE} rewrites files without
 * changing rows (its commit is marked as no data change, which streaming readers skip) and {@code
 * VACUUM} deletes only files no version within the retention refers to. {@code OPTIMIZE} runs only
 * when no run is writing (the maintain command holds the run lock): it conflicts with a concurrent
 * MERGE or overwrite of the gold tables, which auto compaction, running inside the writer, never
 * does.
 */
public final class Maintenance {

  /** Every table lakestream writes; a pass skips those that do not exist. */
  public static final List<String> TABLES =
      java.util.stream.Stream.concat(
              Tables.EVENT_TABLES.stream(), Tables.BOOKKEEPING_TABLES.stream())
          .toList();

  /** The tables maintain.progress_retention expires, with the column that dates a row. */
  private static final Map<String, String> EXPIRING =
      Map.of(Tables.PIPELINE_PROGRESS, "timestamp", Tables.AUDIT_BATCHES, "started_at");

  private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

  private final SparkSession spark;
  private final LakestreamConfig config;
  private final DeltaTables tables;
  private final Clock clock;

  public Maintenance(SparkSession spark, LakestreamConfig config, Clock clock) {
    this.spark = spark;
    this.config = config;
    this.tables = new DeltaTables(spark, config.catalog(), config.volume());
    this.clock = clock;
  }

  /** The tables of {@link #TABLES} that exist. */
  public List<String> existingTables() {
    return TABLES.stream().filter(tables::exists).toList();
  }

  /**
   * The pass of the maintain command, while no run writes: every table side by side (each waits
   * mostly on its own log and folder), with {@code OPTIMIZE}; then the archive folder.
   */
  public MaintenanceReport passBetweenRuns() {
    Instant now = clock.instant();
    List<java.util.concurrent.Callable<TableReport>> steps = new ArrayList<>();
    for (String table : existingTables()) {
      steps.add(() -> maintain(table, true, now));
    }
    return new MaintenanceReport(Concurrently.all("maintaining the tables", steps), archive(now));
  }

  /**
   * The pass of a long run (maintain.interval): one table at a time, so the queries keep most of
   * the cores, and without {@code OPTIMIZE}, which could conflict with a gold table's MERGE or
   * overwrite. A table that fails (a writer's commit racing the listing, say) is logged and left to
   * the next pass; the others go on.
   */
  public MaintenanceReport passDuringRun() {
    Instant now = clock.instant();
    List<TableReport> reports = new ArrayList<>();
    for (String table : existingTables()) {
      try {
        reports.add(maintain(table, false, now));
      } catch (RuntimeException e) {
        LOG.warn("Maintaining {} failed; the next pass tries again", table, e);
      }
    }
    return new MaintenanceReport(reports, archive(now));
  }

  private ArchiveRetention.Deleted archive(Instant now) {
    return config.maintenance().archiveRetention().isPresent()
        ? new ArchiveRetention(spark, config, tables)
            .deleteArchivedBefore(now.minus(config.maintenance().archiveRetention().get()))
        : new ArchiveRetention.Deleted(0, 0);
  }

  private TableReport maintain(String table, boolean compact, Instant now) {
    long started = System.nanoTime();
    String target = target(table);
    Row before = detail(target);
    Path location = new Path(before.<String>getAs("location"));
    long[] folderBefore = dataFiles(location);
    long expired = -1;
    if (EXPIRING.containsKey(table) && config.maintenance().progressRetention().isPresent()) {
      long cutoff = now.minus(config.maintenance().progressRetention().get()).toEpochMilli();
      List<Row> result =
          spark
              .sql(
                  "DELETE FROM "
                      + target
                      + " WHERE "
                      + SqlText.identifier(EXPIRING.get(table))
                      + " < timestamp_millis("
                      + cutoff
                      + ")")
              .collectAsList();
      expired = result.isEmpty() ? 0 : result.get(0).getLong(0);
    }
    Row after = before;
    long[] folderAfter = folderBefore;
    if (compact) {
      spark.sql("OPTIMIZE " + target).collectAsList();
    }
    if (compact || expired > 0) {
      after = detail(target);
      folderAfter = dataFiles(location);
    }
    // VACUUM deletes only files the table no longer refers to: with none in the folder it has
    // nothing to do, and skipping it spares a Spark job per table on every pass.
    if (folderAfter[0] > after.<Long>getAs("numFiles")) {
      spark.sql("VACUUM " + target).collectAsList();
      after = detail(target);
      folderAfter = dataFiles(location);
    }
    TableReport report =
        new TableReport(
            table,
            before.<Long>getAs("numFiles"),
            after.<Long>getAs("numFiles"),
            folderBefore[0],
            folderAfter[0],
            folderBefore[1],
            folderAfter[1],
            expired,
            compact);
    LOG.info(
        "Maintained {} in {} ms: active files {} -> {}, data files in its folder {} -> {}, {} bytes removed, {} rows expired",
        table,
        (System.nanoTime() - started) / 1_000_000,
        report.activeFilesBefore(),
        report.activeFilesAfter(),
        report.dataFilesBefore(),
        report.dataFilesAfter(),
        report.bytesRemoved(),
        Math.max(0, expired));
    return report;
  }

  /**
   * The table in SQL: by path in local mode (a new session's catalog does not know it yet), by name
   * otherwise.
   */
  private String target(String table) {
    return config.catalog().mode() == CatalogSettings.Mode.LOCAL
        ? "delta." + SqlText.identifier(config.volume().tableFolder(table))
        : tables.identifier(table);
  }

  private Row detail(String target) {
    return spark.sql("DESCRIBE DETAIL " + target).first();
  }

  /**
   * The data files under a table's folder and their bytes: every file but the Delta log and hidden
   * ones (names starting with {@code _} or {@code .}, as Delta skips them; Hadoop's {@code .crc}
   * sidecars among them). Hidden folders are not entered, and an entry that vanishes while listed
   * (a writer's temporary file) is skipped.
   */
  private long[] dataFiles(Path location) {
    FileSystem fs = new HadoopFiles(spark).fileSystemOf(location);
    long[] total = {0, 0};
    try {
      for (FileStatus file : HadoopFiles.visibleFiles(fs, location)) {
        total[0]++;
        total[1] += file.getLen();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + location, e);
    }
    return total;
  }
}

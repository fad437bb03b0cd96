package io.lakestream.app;

import io.lakestream.archive.Archiver;
import io.lakestream.archive.BatchArchiving;
import io.lakestream.archive.ReappearedFiles;
import io.lakestream.archive.SourceLogRollover;
import io.lakestream.config.ArchiveMode;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.config.TriggerSpec;
import io.lakestream.source.StartPoint;
import io.lakestream.table.DeltaTables;
import io.lakestream.table.Tables;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one run does with bronze's files (archive.mode): moves or deletes each once its batch is
 * committed, and looks for files back in the landing folder under a name already ingested, at
 * start-up, after each batch and, under processingTime, at every trigger interval. One {@link
 * ReappearedFiles} per run is shared by those checks, so each file is reported once a run.
 */
final class RunArchiving {

  private static final Logger LOG = LoggerFactory.getLogger(RunArchiving.class);

  /** A repeating task stopped when the run ends. */
  interface IdleChecks extends AutoCloseable {
    @Override
    void close();
  }

  private final SparkSession spark;
  private final LakestreamConfig config;
  private final DeltaTables tables;
  private final Bookkeeping bookkeeping;
  private ReappearedFiles reappeared;

  /** Where bronze starts reading landing: files before it are neither read nor archived. */
  private final StartPoint start;

  /** Which file-source log bronze runs on: it remembers only the names it read. */
  private final SourceLogRollover sourceLog;

  RunArchiving(
      SparkSession spark,
      LakestreamConfig config,
      DeltaTables tables,
      Bookkeeping bookkeeping,
      StartPoint start,
      SourceLogRollover sourceLog) {
    this.start = start;
    this.sourceLog = sourceLog;
    this.spark = spark;
    this.config = config;
    this.tables = tables;
    this.bookkeeping = bookkeeping;
  }

  /** What bronze does after each committed batch. */
  BatchArchiving batchArchiving() {
    if (!archivesFiles()) {
      return BatchArchiving.NONE;
    }
    return BatchArchiving.of(
        new Archiver(
            config.archiveMode(),
            config.volume().landing(),
            config.volume().archive(),
            config.volume().checkpointFor(Topology.BRONZE_QUERY),
            config.haltAt(),
            bookkeeping.archiveLog(),
            start::reads,
            sourceLog::current),
        reappearedFiles());
  }

  /**
   * Before bronze starts: a file back under an ingested name is reported (or renamed to be read
   * again) even if no batch runs.
   */
  void checkAtStart(Configuration hadoopConf) {
    if (!archivesFiles()) {
      return;
    }
    if (!sourceLog.current().plannedABatch(hadoopConf)) {
      reappearedFiles().nothingIngestedYet();
    }
    reappearedFiles().checkNow(hadoopConf);
  }

  /**
   * With a processingTime trigger, bronze runs a batch only when files arrive; a file back under an
   * ingested name is not one Spark reads, so it is looked for at every trigger interval too.
   */
  IdleChecks checkEveryTrigger(Configuration hadoopConf) {
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

  /** The files found back in landing and reported by this run. */
  synchronized long reportedThisRun() {
    return reappeared == null ? 0 : reappeared.reportedThisRun();
  }

  /**
   * Moving and deleting are ours; off leaves files, and spark leaves them to the file source's
   * cleanSource.
   */
  static boolean archivesFiles(LakestreamConfig config) {
    return config.archiveMode() == ArchiveMode.MOVE || config.archiveMode() == ArchiveMode.DELETE;
  }

  private boolean archivesFiles() {
    return archivesFiles(config);
  }

  private synchronized ReappearedFiles reappearedFiles() {
    if (reappeared == null) {
      reappeared =
          new ReappearedFiles(
              spark,
              config.volume().landing(),
              tables.identifier(Tables.ARCHIVE_LOG),
              config.ingest().allowOverwrites(),
              config.ingest().fileNames(),
              start::reads,
              config.ingest().maxFileAge(),
              () -> sourceLog.current().firstBatchId());
    }
    return reappeared;
  }
}

package io.lakestream.archive;

import io.lakestream.fs.SessionHadoopConf;
import org.apache.spark.sql.SparkSession;

/**
 * What the bronze writer does with a batch's files once its rows are committed: archive them (move
 * or delete, {@link Archiver}) and look for files that came back under an ingested name, or nothing
 * when {@code archive.mode} is off or left to Spark.
 */
@FunctionalInterface
public interface BatchArchiving {

  /**
   * Files of the batch archived, moves still failing (retried with the next batch), reappeared
   * files, and what still waits in landing to be read once the batch is archived (null when no
   * listing was made: archive.mode off or spark, or the listing failed).
   */
  record FileCounts(
      long archived, long failed, long reappeared, Long filesOutstanding, Long bytesOutstanding) {
    public static final FileCounts NONE = new FileCounts(0, 0, 0, null, null);
  }

  /** What the batch committed (as its first attempt counted it) and what happened to its files. */
  record Result(CommittedRows committed, FileCounts files) {}

  BatchArchiving NONE = (spark, batchId, committed) -> new Result(committed, FileCounts.NONE);

  Result afterCommit(SparkSession spark, long batchId, CommittedRows committed);

  /**
   * Archives with {@code archiver}, then lists landing once: for reappeared files, and for the
   * files still to be read.
   */
  static BatchArchiving of(Archiver archiver, ReappearedFiles reappeared) {
    return (spark, batchId, committed) -> {
      org.apache.hadoop.conf.Configuration hadoopConf = SessionHadoopConf.of(spark);
      Archiver.Outcome outcome = archiver.archive(hadoopConf, batchId, committed);
      reappeared.remember(outcome.records());
      ReappearedFiles.AfterBatch landing =
          reappeared.checkAfterBatch(hadoopConf, archiver.sourcesStillPlanned());
      return new Result(
          outcome.committed(),
          new FileCounts(
              outcome.archived(),
              outcome.failed(),
              landing.reappeared(),
              landing.filesOutstanding(),
              landing.bytesOutstanding()));
    };
  }
}

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
   * files.
   */
  record FileCounts(long archived, long failed, long reappeared) {
    public static final FileCounts NONE = new FileCounts(0, 0, 0);
  }

  /** What the batch committed (as its first attempt counted it) and what happened to its files. */
  record Result(CommittedRows committed, FileCounts files) {}

  BatchArchiving NONE = (spark, batchId, committed) -> new Result(committed, FileCounts.NONE);

  Result afterCommit(SparkSession spark, long batchId, CommittedRows committed);

  /** Archives with {@code archiver}, then looks for reappeared files. */
  static BatchArchiving of(Archiver archiver, ReappearedFiles reappeared) {
    return (spark, batchId, committed) -> {
      org.apache.hadoop.conf.Configuration hadoopConf = SessionHadoopConf.of(spark);
      Archiver.Outcome outcome = archiver.archive(hadoopConf, batchId, committed);
      reappeared.remember(outcome.records());
      return new Result(
          outcome.committed(),
          new FileCounts(
              outcome.archived(), outcome.failed(), reappeared.checkAfterBatch(hadoopConf)));
    };
  }
}

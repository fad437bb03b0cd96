package io.lakestream.app;

import io.lakestream.LakestreamException;
import java.util.Set;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.streaming.StreamingQuery;

/** A streaming query of the pipeline failed; the message names the query and the root cause. */
public final class QueryFailedException extends LakestreamException {

  private static final long serialVersionUID = 1L;

  /**
   * Spark's error conditions raised by one value of one record: every stage is written so that no
   * value can raise them (casts that may fail happen in bronze's parse, where failure quarantines
   * the record, or are try_cast), so meeting one is a defect, reported with a way out.
   */
  private static final Set<String> VALUE_CONDITIONS =
      Set.of(
          "CAST_INVALID_INPUT",
          "CAST_OVERFLOW",
          "CAST_OVERFLOW_IN_TABLE_INSERT",
          "ARITHMETIC_OVERFLOW",
          "DIVIDE_BY_ZERO",
          "NUMERIC_VALUE_OUT_OF_RANGE",
          "DATETIME_OVERFLOW",
          "INVALID_ARRAY_INDEX");

  private final String advice;

  public QueryFailedException(String queryName, Throwable failure) {
    this(queryName, -1, failure);
  }

  /**
   * @param lastBatch the last batch the query finished, -1 if unknown: the failed one came after it
   */
  QueryFailedException(String queryName, long lastBatch, Throwable failure) {
    super(
        "query '"
            + queryName
            + "' failed"
            + (lastBatch >= 0 ? " in the batch after " + lastBatch : "")
            + ": "
            + rootCause(failure),
        failure);
    String unreadable = unreadableFile(failure);
    this.advice =
        valueCondition(failure)
            ? valueAdvice(queryName)
            : unreadable != null ? unreadableFileAdvice(unreadable, rootCause(failure)) : "";
  }

  static QueryFailedException of(StreamingQuery query, Throwable failure) {
    long lastBatch = query.lastProgress() == null ? -1 : query.lastProgress().batchId();
    return new QueryFailedException(query.name(), lastBatch, failure);
  }

  @Override
  public int exitStatus() {
    return FAILED;
  }

  @Override
  public String advice() {
    return advice;
  }

  private static String valueAdvice(String queryName) {
    return "One value of the data made "
        + queryName
        + " fail (the value and, where Spark knows it, the column are in the message above): a"
        + " lakestream defect, please report it with this message. The batch is retried at every"
        + " start. To go on meanwhile: find the record (bronze_events holds it with its _source_file"
        + " and _batch_id), add a drop expectation that matches it (quality.expect.<name>=drop:"
        + " <predicate>) for the files still to come, and rebuild the layers after bronze without it"
        + " (lakestream rebuild silver) once it is deleted from bronze_events.";
  }

  /**
   * A file Spark could not read to its end (a truncated or damaged compressed file, most often):
   * the same batch fails at every start until the file leaves the landing folder. Once it is moved
   * away the batch reads its other files (missing files are skipped) and archives them.
   */
  private static String unreadableFileAdvice(String file, String cause) {
    return "Spark could not read "
        + file
        + " ("
        + cause
        + "): a truncated or damaged file. The batch that reads it fails at every start: move the"
        + " file out of the landing folder (keep it for whoever produced it), then start again: the"
        + " batch's other files are read and archived as usual, and archive_log records this one as"
        + " vanished.";
  }

  /** The path of Spark's FAILED_READ_FILE error among the causes, or null. */
  private static String unreadableFile(Throwable failure) {
    return io.lakestream.source.DamagedFiles.fileNamedBy(failure).orElse(null);
  }

  private static boolean valueCondition(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SparkThrowable spark
          && spark.getCondition() != null
          && VALUE_CONDITIONS.contains(spark.getCondition())) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  private static String rootCause(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.toString();
  }
}

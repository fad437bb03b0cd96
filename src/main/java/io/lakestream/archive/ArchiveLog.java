package io.lakestream.archive;

import io.lakestream.fs.SessionHadoopConf;
import io.lakestream.table.TableOutbox;
import io.lakestream.table.Tables;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Records finished moves for {@code archive_log}, so "where did file X go, and when" is one query.
 * The records of an archiving pass are saved with the batch and appended in bulk by a {@link
 * TableOutbox}; a record already in the table (same source, destination and action) is not appended
 * again: after a crash the same move is recognised and reported once more, and must land once.
 */
public final class ArchiveLog {

  public static final List<String> KEY = List.of("source", "destination", "action");

  private final SparkSession spark;
  private final TableOutbox outbox;

  /**
   * @param outboxFolder where the records wait, beside the bronze query's checkpoint
   * @param flushState the table's outbox flush state file (see TableOutbox)
   */
  public ArchiveLog(
      SparkSession spark, String tableIdentifier, String outboxFolder, String flushState) {
    this.spark = spark;
    this.outbox =
        new TableOutbox(
            outboxFolder, tableIdentifier, Tables.archiveLog().schema(), KEY, flushState);
  }

  public TableOutbox outbox() {
    return outbox;
  }

  /** Saves the records of the archiving pass of batch {@code batchId}. */
  public void append(long batchId, List<Archiver.Record> records) {
    if (records.isEmpty()) {
      return;
    }
    List<Row> rows =
        records.stream()
            .map(
                record ->
                    RowFactory.create(
                        record.entry().source().toUri().toString(),
                        record.entry().destination() == null
                            ? null
                            : record.entry().destination().toUri().toString(),
                        record.entry().sizeBytes() < 0 ? null : record.entry().sizeBytes(),
                        record.action(),
                        record.entry().batchId(),
                        Timestamp.from(record.at()),
                        record.entry().modifiedMillis() < 0
                            ? null
                            : new Timestamp(record.entry().modifiedMillis())))
            .toList();
    outbox.add(SessionHadoopConf.of(spark), batchId, rows);
    outbox.flushIfDue(spark);
  }
}

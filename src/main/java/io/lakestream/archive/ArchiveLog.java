package io.lakestream.archive;

import static org.apache.spark.sql.functions.col;

import io.lakestream.sink.Tables;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Appends finished moves to {@code archive_log}, so "where did file X go, and when" is one query. A record
 * already in the table (same source, destination and action) is not written again: after a crash the same
 * move is recognised and reported once more, and must land once. Only such a resumed pass reads the table.
 */
public final class ArchiveLog {

  private final SparkSession spark;
  private final String tableIdentifier;

  public ArchiveLog(SparkSession spark, String tableIdentifier) {
    this.spark = spark;
    this.tableIdentifier = tableIdentifier;
  }

  /**
   * @param mayRepeat true when the records may include moves an earlier, interrupted attempt already
   *     logged; only then is the table read (for these sources only) to leave those out
   */
  public void append(List<Archiver.Record> records, boolean mayRepeat) {
    if (records.isEmpty()) {
      return;
    }
    List<Row> rows =
        records.stream()
            .map(
                record ->
                    RowFactory.create(
                        record.entry().source().toUri().toString(),
                        record.entry().destination() == null ? null : record.entry().destination().toUri().toString(),
                        record.entry().sizeBytes() < 0 ? null : record.entry().sizeBytes(),
                        record.action(),
                        record.entry().batchId(),
                        Timestamp.from(record.at())))
            .toList();
    Dataset<Row> fresh = spark.createDataFrame(rows, Tables.archiveLog().schema());
    if (mayRepeat) {
      Object[] sources = rows.stream().map(row -> row.getString(0)).distinct().toArray();
      Dataset<Row> logged = spark.table(tableIdentifier).where(col("source").isin(sources)).as("logged");
      Column same =
          col("fresh.source").equalTo(col("logged.source"))
              .and(col("fresh.destination").eqNullSafe(col("logged.destination")))
              .and(col("fresh.action").equalTo(col("logged.action")));
      fresh = fresh.as("fresh").join(logged, same, "left_anti");
    }
    fresh.write().format("delta").mode("append").saveAsTable(tableIdentifier);
  }
}

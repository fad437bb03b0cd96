package io.lakestream.app;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.lakestream.config.LakestreamConfig;
import io.lakestream.sink.BronzeTable;
import io.lakestream.sink.DeltaTables;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a run left in the tables: rows per table, rows kept raw because they did not parse, files
 * processed, in total and by this run (rows whose {@code _ingested_at} is after the run started).
 */
public record RunSummary(
    Duration elapsed,
    long bronzeRows,
    long bronzeRowsThisRun,
    long unparsedRows,
    long unparsedRowsThisRun,
    long files,
    long filesThisRun) {

  static RunSummary collect(SparkSession spark, LakestreamConfig config, Instant startedAt) {
    String bronze = new DeltaTables(spark, config.catalog(), config.volume()).identifier(BronzeTable.NAME);
    Column thisRun = col(BronzeTable.INGESTED_AT).geq(lit(Timestamp.from(startedAt)));
    Column unparsed = col(BronzeTable.PARSE_ERROR).isNotNull();
    Row totals =
        spark
            .table(bronze)
            .agg(
                count(lit(1)),
                count(when(thisRun, lit(1))),
                count(when(unparsed, lit(1))),
                count(when(unparsed.and(thisRun), lit(1))),
                count_distinct(col(BronzeTable.SOURCE_FILE)),
                count_distinct(when(thisRun, col(BronzeTable.SOURCE_FILE))))
            .first();
    return new RunSummary(
        Duration.between(startedAt, Instant.now()),
        totals.getLong(0),
        totals.getLong(1),
        totals.getLong(2),
        totals.getLong(3),
        totals.getLong(4),
        totals.getLong(5));
  }

  /** The lines printed at the end of a run. */
  public String render() {
    String format = "  %-18s %12s %12s%n";
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "lakestream run finished in %.1f s%n", elapsed.toMillis() / 1000.0));
    text.append(String.format(Locale.ROOT, format, "", "this run", "total"));
    text.append(String.format(Locale.ROOT, format, "bronze_events rows", bronzeRowsThisRun, bronzeRows));
    text.append(String.format(Locale.ROOT, format, "rows quarantined", unparsedRowsThisRun, unparsedRows));
    text.append(String.format(Locale.ROOT, format, "files processed", filesThisRun, files));
    text.append("  (quarantined = lines that could not be typed; bronze_events keeps them with _parse_error and _raw_record)\n");
    return text.toString();
  }
}

package io.lakestream.observe;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.lakestream.source.DamagedFiles;
import io.lakestream.stage.EventParser;
import io.lakestream.stage.QualityRules;
import io.lakestream.table.BronzeTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Metrics Spark's progress lacks, gathered with {@code Dataset.observe} on the classified bronze
 * stream, so they arrive in each batch's progress ({@code observedMetrics["bronze_quality"]}) at no
 * extra pass over the data: records, records per quarantine reason, records with rescued fields.
 */
public final class BronzeMetrics {

  public static final String NAME = "bronze_quality";

  /** Every quarantine reason, in the order the metrics list them. */
  public static final List<String> REASONS =
      List.of(
          EventParser.RECORD_TOO_LARGE,
          EventParser.MALFORMED_JSON,
          EventParser.TYPE_MISMATCH,
          QualityRules.MISSING_REQUIRED_FIELD,
          QualityRules.TOO_FAR_IN_FUTURE,
          QualityRules.EXPECTATION_FAILED,
          DamagedFiles.UNREADABLE_FILE);

  private BronzeMetrics() {}

  public static Dataset<Row> observe(Dataset<Row> classified) {
    List<Column> metrics = new ArrayList<>();
    metrics.add(count(when(col(BronzeTable.RESCUED_DATA).isNotNull(), 1)).as("rescued"));
    for (String reason : REASONS) {
      metrics.add(count(when(col(BronzeTable.QUARANTINE_REASON).equalTo(reason), 1)).as(reason));
    }
    return classified.observe(NAME, count(lit(1)).as("records"), metrics.toArray(Column[]::new));
  }

  static long quarantined(Row metrics) {
    return byReason(metrics).values().stream().mapToLong(Long::longValue).sum();
  }

  static long rescued(Row metrics) {
    return metrics.<Long>getAs("rescued");
  }

  /** Quarantined records per reason, only reasons that occurred. */
  public static Map<String, Long> byReason(Row metrics) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String reason : REASONS) {
      long value = metrics.<Long>getAs(reason);
      if (value > 0) {
        counts.put(reason, value);
      }
    }
    return counts;
  }
}

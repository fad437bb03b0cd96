package io.lakestream.sink;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.lakestream.config.Expectation;
import io.lakestream.config.QualitySettings;
import io.lakestream.observe.BronzeMetrics;
import io.lakestream.stage.QualityRules;
import io.lakestream.table.BronzeTable;
import io.lakestream.table.Observations;
import io.lakestream.table.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * What a bronze batch held, counted in the pass that writes it: records per quarantine reason,
 * warned and rescued records, violations per counted expectation, and the rejected rows in
 * quarantine_events' columns (a bounded aggregate, {@link RejectedRows}).
 */
final class BronzeCounter implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  private final QualitySettings quality;

  BronzeCounter(QualitySettings quality) {
    this.quality = quality;
  }

  /**
   * What one batch held: records, per quarantine reason, and per warn/fail expectation violated.
   */
  public record BatchCounts(
      long rows,
      Map<String, Long> byReason,
      Map<String, Long> violations,
      long warned,
      long rescued,
      List<Row> rejected) {
    public long quarantined() {
      return byReason.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Expectations whose violations are counted: warn and fail, when the quality rules run. */
  private List<Expectation> countedExpectations() {
    List<Expectation> counted = new ArrayList<>();
    if (quality.enabled()) {
      counted.addAll(quality.expectations(Expectation.Action.WARN));
      counted.addAll(quality.expectations(Expectation.Action.FAIL));
    }
    return counted;
  }

  /**
   * Records per reason, records, warned records, violations per counted expectation, then (if
   * {@code withRejectedRows}) the rejected rows themselves. {@link #countsIn} reads them back in
   * this order.
   */
  Column[] aggregates(boolean withRejectedRows) {
    List<Column> aggregates = new ArrayList<>();
    Column reason = col(BronzeTable.QUARANTINE_REASON);
    for (String known : BronzeMetrics.REASONS) {
      aggregates.add(count(when(reason.equalTo(known), 1)));
    }
    aggregates.add(count(lit(1)));
    Column anyWarn = lit(false);
    List<Column> violations = new ArrayList<>();
    for (Expectation rule : countedExpectations()) {
      Column violates = QualityRules.violatedByValidRecord(rule);
      violations.add(count(when(violates, 1)));
      if (rule.action() == Expectation.Action.WARN) {
        anyWarn = anyWarn.or(violates);
      }
    }
    aggregates.add(count(when(anyWarn, 1)));
    aggregates.add(count(col(BronzeTable.RESCUED_DATA)));
    aggregates.addAll(violations);
    if (withRejectedRows) {
      aggregates.add(rejectedRows());
    }
    // Observed metrics must be named.
    Column[] named = new Column[aggregates.size()];
    for (int i = 0; i < named.length; i++) {
      named[i] = aggregates.get(i).as("m" + i);
    }
    return named;
  }

  /** The batch's rejected rows, in quarantine_events' columns, collected by a bounded aggregate. */
  private static Column rejectedRows() {
    return functions
        .udaf(new RejectedRows(), Encoders.row(Tables.quarantine().schema()))
        .apply(asQuarantineRow());
  }

  /** Bronze's columns that make a quarantine_events row, in that table's order. */
  private static Column[] asQuarantineRow() {
    return new Column[] {
      col(BronzeTable.QUARANTINE_REASON),
      col(BronzeTable.QUARANTINE_DETAIL),
      col("event_id").cast("string"),
      col(BronzeTable.RAW_RECORD),
      col(BronzeTable.SOURCE_FILE),
      col(BronzeTable.INGESTED_AT),
      col(BronzeTable.BATCH_ID)
    };
  }

  /**
   * The counts observed while bronze was written, or empty when the write did not run (a skipped
   * replay).
   */
  Optional<BatchCounts> observed(Observation observation, String batch) {
    return Observations.await(observation, batch)
        .map(observed -> countsIn(observed, quality.enabled()));
  }

  /**
   * What bronze committed of a batch Delta skipped on replay: the same aggregates over the rows
   * read back.
   */
  BatchCounts committed(Dataset<Row> committed) {
    Column[] aggregates = aggregates(false);
    return countsIn(
        committed.agg(aggregates[0], Arrays.copyOfRange(aggregates, 1, aggregates.length)).first(),
        false);
  }

  /** Reads the values of {@link #aggregates} back. */
  private BatchCounts countsIn(Row observed, boolean withRejectedRows) {
    List<Expectation> counted = countedExpectations();
    Map<String, Long> byReason = new LinkedHashMap<>();
    int i = 0;
    for (String known : BronzeMetrics.REASONS) {
      long value = observed.getLong(i++);
      if (value > 0) {
        byReason.put(known, value);
      }
    }
    long rows = observed.getLong(i++);
    long warned = observed.getLong(i++);
    long rescued = observed.getLong(i++);
    Map<String, Long> violations = new LinkedHashMap<>();
    for (Expectation rule : counted) {
      violations.put(rule.name(), observed.getLong(i++));
    }
    List<Row> rejected =
        withRejectedRows ? RejectedRows.parse((byte[]) observed.get(i)).orElse(null) : null;
    return new BatchCounts(rows, byReason, violations, warned, rescued, rejected);
  }

  static Dataset<Row> quarantineRows(Dataset<Row> classified) {
    String[] names = Tables.quarantine().schema().fieldNames();
    Column[] columns = asQuarantineRow();
    for (int i = 0; i < columns.length; i++) {
      columns[i] = columns[i].as(names[i]);
    }
    return classified.where(col(BronzeTable.QUARANTINE_REASON).isNotNull()).select(columns);
  }
}

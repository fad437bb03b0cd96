package io.lakestream.stage;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.lakestream.config.ConfigException;
import io.lakestream.config.Durations;
import io.lakestream.config.Expectation;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.config.QualitySettings;
import io.lakestream.table.BronzeTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Decides, per parsed record, whether it can become a silver event. The first reason that applies
 * wins, in this order: the parse error from {@link EventParser}; {@code missing_required_field}
 * (null or blank); {@code event_time_too_far_in_future} (more than the allowed skew ahead of the
 * ingestion clock, so one bad clock cannot drag the watermark forward and make every later event
 * "late"); then each {@code drop} expectation, as {@code expectation_failed}. Records that meet all
 * are valid ({@code _quarantine_reason} null).
 *
 * <p>{@code warn} and {@code fail} expectations do not change the reason: for each one a boolean
 * column {@code _violates_<name>} says whether a valid record breaks it, for the writer to count or
 * to stop on.
 */
public final class QualityRules implements Stage {

  public static final String MISSING_REQUIRED_FIELD = "missing_required_field";
  public static final String TOO_FAR_IN_FUTURE = "event_time_too_far_in_future";
  public static final String EXPECTATION_FAILED = "expectation_failed";
  public static final String VIOLATES_PREFIX = "_violates_";

  private static final String MISSING = "_missing_fields";
  private static final String TOO_FAR = "_too_far_ahead";

  private final QualitySettings settings;
  private final StructType eventSchema;

  public QualityRules(QualitySettings settings, StructType eventSchema) {
    this.settings = settings;
    this.eventSchema = eventSchema;
  }

  /**
   * Adds {@code _quarantine_reason} and one {@code _violates_<name>} column per warn or fail rule.
   */
  @Override
  public Dataset<Row> apply(Dataset<Row> parsed) {
    List<Column> missing = new ArrayList<>();
    for (String field : settings.requiredFields()) {
      Column value = col(field);
      Column absent =
          eventSchema.apply(field).dataType().equals(DataTypes.StringType)
              ? value.isNull().or(trim(value).equalTo(""))
              : value.isNull();
      missing.add(when(absent, lit(field)));
    }
    Column missingFields = nullif(concat_ws(", ", missing.toArray(Column[]::new)), lit(""));
    Column eventTime = col(LakestreamConfig.EVENT_TIME);
    String skew = Durations.format(settings.maxFutureSkew());
    Column tooFarAhead =
        eventTime.gt(
            current_timestamp()
                .plus(expr("INTERVAL " + settings.maxFutureSkew().toMillis() + " MILLISECONDS")));

    // Each test is computed once, in its own step: both the reason and the detail read it, and
    // Spark would otherwise generate it in each of their branches (see EventParser).
    Dataset<Row> tested =
        parsed.withColumn(MISSING, missingFields).withColumn(TOO_FAR, tooFarAhead);

    // The checks in order; the first one a record fails gives its reason and detail.
    List<Check> checks = new ArrayList<>();
    Column parseReason = col(BronzeTable.QUARANTINE_REASON);
    checks.add(new Check(parseReason.isNotNull(), parseReason, col(BronzeTable.QUARANTINE_DETAIL)));
    checks.add(
        new Check(
            col(MISSING).isNotNull(),
            lit(MISSING_REQUIRED_FIELD),
            concat(lit("missing "), col(MISSING))));
    checks.add(
        new Check(
            col(TOO_FAR),
            lit(TOO_FAR_IN_FUTURE),
            concat(
                lit("event_time "),
                eventTime.cast("string"),
                lit(" is more than " + skew + " ahead of the ingestion clock"))));
    for (Expectation rule : settings.expectations(Expectation.Action.DROP)) {
      checks.add(
          new Check(
              violated(rule), lit(EXPECTATION_FAILED), lit(rule.name() + ": " + rule.predicate())));
    }
    Column newReason = null;
    Column newDetail = null;
    for (Check check : checks) {
      newReason =
          newReason == null
              ? when(check.failed(), check.reason())
              : newReason.when(check.failed(), check.reason());
      newDetail =
          newDetail == null
              ? when(check.failed(), check.detail())
              : newDetail.when(check.failed(), check.detail());
    }

    Dataset<Row> classified =
        tested
            .withColumn(BronzeTable.QUARANTINE_DETAIL, newDetail)
            .withColumn(BronzeTable.QUARANTINE_REASON, newReason)
            .drop(MISSING, TOO_FAR);
    Column valid = col(BronzeTable.QUARANTINE_REASON).isNull();
    for (Expectation rule : settings.expectations()) {
      if (rule.action() != Expectation.Action.DROP) {
        classified =
            classified.withColumn(VIOLATES_PREFIX + rule.name(), valid.and(violated(rule)));
      }
    }
    return classified;
  }

  /**
   * Resolves every expectation against the event schema on an empty DataFrame, so a typo or a
   * predicate that is not a condition stops the run at start-up, before any query starts.
   *
   * @throws ConfigException naming each rule that does not fit
   */
  public void checkResolvable(SparkSession spark) {
    Dataset<Row> empty = spark.createDataFrame(List.of(), eventSchema);
    List<String> problems = new ArrayList<>();
    for (Expectation rule : settings.expectations()) {
      String setting =
          "quality.expect."
              + rule.name()
              + " = '"
              + rule.action().name().toLowerCase(Locale.ROOT)
              + ": "
              + rule.predicate()
              + "'";
      try {
        DataType type = empty.select(expr(rule.predicate())).schema().fields()[0].dataType();
        if (!(type instanceof BooleanType)) {
          // Spark would cast a number or a string to a boolean without a word; a rule must be a
          // condition.
          problems.add(
              setting
                  + " is not allowed: the predicate is "
                  + type.sql()
                  + ", not BOOLEAN. Allowed: a SQL condition, e.g. amount >= 0");
        }
      } catch (Exception e) { // AnalysisException
        problems.add(
            setting
                + " cannot be evaluated on ingest.schema: "
                + e.getMessage().strip().lines().findFirst().orElse(""));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /**
   * One quality check: when {@code failed}, the record is quarantined with this reason and detail.
   */
  private record Check(Column failed, Column reason, Column detail) {}

  /**
   * Whether a record that passed every check breaks {@code rule}, on rows that carry the event
   * columns and {@code _quarantine_reason} (the classified stream, or {@code bronze_events}).
   */
  public static Column violatedByValidRecord(Expectation rule) {
    return col(BronzeTable.QUARANTINE_REASON).isNull().and(violated(rule));
  }

  /** A rule is met only when its predicate is true; false and null are violations. */
  private static Column violated(Expectation rule) {
    return not(coalesce(expr(rule.predicate()).cast("boolean"), lit(false)));
  }
}

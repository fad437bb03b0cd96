package io.lakestream.stage;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_parse_json;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.lakestream.table.BronzeTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.VariantType;

/**
 * Turns raw JSON lines into typed event columns with one JSON parse per line, and says what went
 * wrong with each line that cannot become a typed event, without dropping it.
 *
 * <p>Each line is read once by {@link JsonLineParser} (Jackson's streaming parser, in a UDF): the
 * text of each contract field, the fields outside the contract as a JSON object ({@code
 * _rescued_data}, as Databricks Auto Loader does), or why the line is not one JSON object. Contract
 * fields are then typed with Spark's {@code try_cast}. The expression Spark generates stays small,
 * so it compiles quickly for every micro-batch. Outcomes, in {@code _quarantine_reason}:
 *
 * <ul>
 *   <li>{@code record_too_large}: the line is longer than the limit; it is not parsed at all;
 *   <li>{@code malformed_json}: the line is not one JSON object (truncated, not JSON, or followed
 *       by more text);
 *   <li>{@code type_mismatch}: a contract field is present but does not convert to its type (e.g.
 *       {@code "amount":"abc"}, or a non-finite number however spelt); {@code _quarantine_detail}
 *       names every such field.
 * </ul>
 *
 * Blank lines hold no record and are skipped.
 */
public final class EventParser {

  public static final String RECORD_TOO_LARGE = "record_too_large";
  public static final String MALFORMED_JSON = "malformed_json";
  public static final String TYPE_MISMATCH = "type_mismatch";

  /**
   * Optional input columns: a reason and detail the reading already gave the record (a JSON
   * document's part that is not JSON, a record too large to keep); such a record is not parsed.
   */
  public static final String READ_REASON = "_read_reason";

  public static final String READ_DETAIL = "_read_detail";

  private static final String PARSED = "_parsed";
  private static final String PARSE_ERROR = "_parse_error";
  private static final String TOO_LARGE = "_too_large";
  private static final String MISMATCH = "_mismatch";

  private final StructType eventSchema;
  private final long maxRecordBytes;
  private final boolean rescueUnknownFields;

  public EventParser(StructType eventSchema, long maxRecordBytes, boolean rescueUnknownFields) {
    this.eventSchema = eventSchema;
    this.maxRecordBytes = maxRecordBytes;
    this.rescueUnknownFields = rescueUnknownFields;
  }

  /**
   * @param lines rows with the raw line in {@code _raw_record}; every other column is passed
   *     through
   * @return the event columns, {@code _rescued_data}, {@code _quarantine_reason}, {@code
   *     _quarantine_detail}, then the input's columns
   */
  public Dataset<Row> parse(Dataset<Row> input) {
    Dataset<Row> lines = input;
    for (String column : List.of(READ_REASON, READ_DETAIL)) {
      if (!Arrays.asList(input.columns()).contains(column)) {
        lines = lines.withColumn(column, lit(null).cast(DataTypes.StringType));
      }
    }
    List<Column> passedThrough =
        Arrays.stream(input.columns())
            .filter(name -> !name.equals(READ_REASON) && !name.equals(READ_DETAIL))
            .map(org.apache.spark.sql.functions::col)
            .toList();
    Column raw = col(BronzeTable.RAW_RECORD);
    Column readReason = col(READ_REASON);
    Column tooLarge = octet_length(raw).gt(maxRecordBytes);
    // Its own projection: Spark keeps a UDF referenced many times in a separate step, so it runs
    // once a line.
    Dataset<Row> withParsed =
        lines
            .where(trim(raw).notEqual("").or(readReason.isNotNull()))
            .withColumn(
                PARSED, when(readReason.isNull().and(not(tooLarge)), parseLine().apply(raw)));
    Column parsed = col(PARSED);

    // Three steps, each computing its expressions once: the typed fields, then the mismatches,
    // then reason and detail. In one step Spark repeats a cast or the mismatch text in every
    // branch that reads it; the generated method then outgrows what the JVM compiles (8000
    // bytes of bytecode) and runs interpreted.
    List<Column> typedFields = new ArrayList<>();
    List<Column> mismatches = new ArrayList<>();
    for (StructField field : eventSchema.fields()) {
      Column typed =
          field.dataType() instanceof VariantType
              ? try_parse_json(parsed.getField(field.name()))
              : parsed.getField(field.name()).try_cast(field.dataType());
      if (field.dataType() instanceof DoubleType || field.dataType() instanceof FloatType) {
        // "NaN" and "Infinity" cast to doubles, but no event carries them; one would poison every
        // sum.
        typed = when(not(isnan(typed).or(abs(typed).equalTo(Double.POSITIVE_INFINITY))), typed);
      }
      typedFields.add(typed.as(field.name()));
      Column text = parsed.getField(field.name());
      mismatches.add(
          when(
              text.isNotNull().and(col(field.name()).isNull()),
              concat(lit(field.name() + "='"), text, lit("' is not " + field.dataType().sql()))));
    }
    Dataset<Row> typed =
        withParsed.select(
            joined(
                    typedFields,
                    List.of(
                        parsed.getField(BronzeTable.RESCUED_DATA).as(BronzeTable.RESCUED_DATA),
                        tooLarge.as(TOO_LARGE),
                        parsed.getField(PARSE_ERROR).as(PARSE_ERROR),
                        readReason,
                        col(READ_DETAIL),
                        parsed),
                    passedThrough)
                .toArray(Column[]::new));
    Dataset<Row> checked =
        typed.withColumn(
            MISMATCH, nullif(concat_ws("; ", mismatches.toArray(Column[]::new)), lit("")));

    Column parseError = col(PARSE_ERROR);
    Column mismatch = col(MISMATCH);
    List<Column> outcome = new ArrayList<>();
    for (StructField field : eventSchema.fields()) {
      outcome.add(col(field.name()));
    }
    outcome.add(col(BronzeTable.RESCUED_DATA));
    outcome.add(
        when(readReason.isNotNull(), readReason)
            .when(col(TOO_LARGE), lit(RECORD_TOO_LARGE))
            .when(parseError.isNotNull(), lit(MALFORMED_JSON))
            .when(mismatch.isNotNull(), lit(TYPE_MISMATCH))
            .as(BronzeTable.QUARANTINE_REASON));
    outcome.add(
        when(readReason.isNotNull(), col(READ_DETAIL))
            .when(
                col(TOO_LARGE),
                concat(
                    lit("record of "),
                    octet_length(raw),
                    lit(" bytes exceeds the limit of " + maxRecordBytes)))
            .when(parseError.isNotNull(), parseError)
            .otherwise(mismatch)
            .as(BronzeTable.QUARANTINE_DETAIL));
    outcome.addAll(passedThrough);
    return checked.select(outcome.toArray(Column[]::new));
  }

  @SafeVarargs
  private static List<Column> joined(List<Column>... parts) {
    List<Column> all = new ArrayList<>();
    for (List<Column> part : parts) {
      all.addAll(part);
    }
    return all;
  }

  private UserDefinedFunction parseLine() {
    StructType parsedType = new StructType();
    for (String name : eventSchema.fieldNames()) {
      parsedType = parsedType.add(name, DataTypes.StringType);
    }
    parsedType =
        parsedType
            .add(BronzeTable.RESCUED_DATA, DataTypes.StringType)
            .add(PARSE_ERROR, DataTypes.StringType);
    return udf(
            new ParseLine(
                new JsonLineParser(
                    List.of(eventSchema.fieldNames()),
                    Arrays.stream(eventSchema.fields())
                        .filter(field -> field.dataType() instanceof VariantType)
                        .map(StructField::name)
                        .collect(java.util.stream.Collectors.toSet()),
                    rescueUnknownFields)),
            parsedType)
        .withName("parse_json_line");
  }

  /**
   * The UDF: one line in, a struct of the field texts, the rescued fields and the parse error out.
   */
  private record ParseLine(JsonLineParser parser) implements UDF1<String, Row> {
    @Override
    public Row call(String line) {
      JsonLineParser.Parsed parsed = parser.parse(line);
      Object[] values = new Object[parsed.fieldTexts().length + 2];
      System.arraycopy(parsed.fieldTexts(), 0, values, 0, parsed.fieldTexts().length);
      values[values.length - 2] = parsed.rescued();
      values[values.length - 1] = parsed.error();
      return RowFactory.create(values);
    }
  }
}

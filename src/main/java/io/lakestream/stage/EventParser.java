package io.lakestream.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.lakestream.sink.BronzeTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns raw JSON lines into typed event columns with one JSON parse per line, and says what went wrong
 * with each line that cannot become a typed event, without dropping it.
 *
 * <p>Each line is parsed once into a {@code MAP<STRING, STRING>} of its top-level fields (a value that is
 * itself JSON keeps its JSON text). Contract fields are then typed with {@code try_cast}; fields outside the
 * contract go to {@code _rescued_data} as a JSON object, as Databricks Auto Loader does. Outcomes, in
 * {@code _quarantine_reason}:
 *
 * <ul>
 *   <li>{@code record_too_large}: the line is longer than the limit; it is not parsed at all;
 *   <li>{@code malformed_json}: the line is not a JSON object;
 *   <li>{@code type_mismatch}: a contract field is present but does not convert to its type (e.g.
 *       {@code "amount":"abc"}); {@code _quarantine_detail} names every such field.
 * </ul>
 *
 * Blank lines hold no record and are skipped.
 */
public final class EventParser {

  public static final String RECORD_TOO_LARGE = "record_too_large";
  public static final String MALFORMED_JSON = "malformed_json";
  public static final String TYPE_MISMATCH = "type_mismatch";

  private static final String FIELDS = "_fields";

  private final StructType eventSchema;
  private final long maxRecordBytes;
  private final boolean rescueUnknownFields;

  public EventParser(StructType eventSchema, long maxRecordBytes, boolean rescueUnknownFields) {
    this.eventSchema = eventSchema;
    this.maxRecordBytes = maxRecordBytes;
    this.rescueUnknownFields = rescueUnknownFields;
  }

  /**
   * @param lines rows with the raw line in {@code _raw_record}; every other column is passed through
   * @return the event columns, {@code _rescued_data}, {@code _quarantine_reason}, {@code _quarantine_detail},
   *     then the input's columns
   */
  public Dataset<Row> parse(Dataset<Row> lines) {
    Column raw = col(BronzeTable.RAW_RECORD);
    Column tooLarge = octet_length(raw).gt(maxRecordBytes);
    Dataset<Row> withFields =
        lines
            .where(trim(raw).notEqual(""))
            .withColumn(
                FIELDS,
                when(not(tooLarge), from_json(raw, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), Map.of())));
    Column fields = col(FIELDS);

    List<Column> output = new ArrayList<>();
    List<Column> mismatches = new ArrayList<>();
    for (StructField field : eventSchema.fields()) {
      Column text = fields.getItem(field.name());
      Column typed = text.try_cast(field.dataType());
      output.add(typed.as(field.name()));
      mismatches.add(
          when(
              text.isNotNull().and(typed.isNull()),
              concat(lit(field.name() + "='"), text, lit("' is not " + field.dataType().sql()))));
    }
    Column mismatchDetail = nullif(concat_ws("; ", mismatches.toArray(Column[]::new)), lit(""));

    output.add(rescuedData().as(BronzeTable.RESCUED_DATA));
    output.add(
        when(tooLarge, lit(RECORD_TOO_LARGE))
            .when(fields.isNull(), lit(MALFORMED_JSON))
            .when(mismatchDetail.isNotNull(), lit(TYPE_MISMATCH))
            .as(BronzeTable.QUARANTINE_REASON));
    output.add(
        when(tooLarge, concat(lit("record of "), octet_length(raw), lit(" bytes exceeds the limit of " + maxRecordBytes)))
            .when(fields.isNull(), lit("not a JSON object"))
            .otherwise(mismatchDetail)
            .as(BronzeTable.QUARANTINE_DETAIL));
    for (String passThrough : lines.columns()) {
      output.add(col(passThrough));
    }
    return withFields.select(output.toArray(Column[]::new));
  }

  /** The fields outside the contract as a JSON object, or null when there are none (or rescue is off). */
  private Column rescuedData() {
    if (!rescueUnknownFields) {
      return lit(null).cast(DataTypes.StringType);
    }
    String contract =
        Arrays.stream(eventSchema.fieldNames())
            .map(name -> "'" + name.replace("'", "\\'") + "'")
            .collect(Collectors.joining(", "));
    Column unknown = expr("map_filter(" + FIELDS + ", (k, v) -> NOT array_contains(array(" + contract + "), k))");
    return when(size(unknown).gt(0), to_json(unknown));
  }
}

package io.lakestream.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.translate;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Trims identifiers and lower-cases the categorical ones, so {@code " U007"} and {@code "u007"} are
 * one user and {@code "Click"} and {@code "click"} one event type. {@code event_id} and {@code
 * page} are trimmed only: their case may carry meaning.
 */
public final class NormalizeIdentifiers implements Stage {

  static final List<String> TRIMMED = List.of("event_id", "page");
  static final List<String> TRIMMED_AND_LOWERED = List.of("user_id", "event_type", "device");

  @Override
  public Dataset<Row> apply(Dataset<Row> events) {
    Set<String> strings =
        Arrays.stream(events.schema().fields())
            .filter(field -> field.dataType().equals(DataTypes.StringType))
            .map(StructField::name)
            .collect(Collectors.toSet());
    Dataset<Row> result = events;
    for (String name : TRIMMED) {
      if (strings.contains(name)) {
        result = result.withColumn(name, trim(col(name)));
      }
    }
    for (String name : TRIMMED_AND_LOWERED) {
      if (strings.contains(name)) {
        result = result.withColumn(name, category(col(name)));
      }
    }
    return result;
  }

  private static final String ASCII_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final String ASCII_LOWER = "abcdefghijklmnopqrstuvwxyz";

  /**
   * A categorical identifier as silver holds it: trimmed, lower case (a reference table's key is
   * matched so). An all-ASCII value (as many bytes as characters) is lowered by a plain
   * translation, which is what Spark's {@code lower} does to ASCII; only other values go through
   * {@code lower}, whose Unicode case mapping (ICU) costs a JVM several seconds of CPU to load the
   * first time it runs.
   */
  public static Column category(Column identifier) {
    Column trimmed = trim(identifier);
    return when(
            octet_length(trimmed).equalTo(length(trimmed)),
            translate(trimmed, ASCII_UPPER, ASCII_LOWER))
        .otherwise(lower(trimmed));
  }
}

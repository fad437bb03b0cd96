package io.lakestream.stage;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.replace;
import static org.apache.spark.sql.functions.try_url_decode;
import static org.apache.spark.sql.functions.url_decode;
import static org.apache.spark.sql.functions.when;

import io.lakestream.table.BronzeTable;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Hive-style {@code key=value} folders under landing as columns ({@code ingest.partition_columns},
 * as Auto Loader's {@code partitionColumns}): each record's value comes from the folders of its
 * {@code _source_file} below the landing folder, decoded as Hive and Spark write them ({@code %3A}
 * for {@code :}; {@code __HIVE_DEFAULT_PARTITION__} is null), typed as the columns schema says. A
 * file outside that layout keeps the record's own field of that name (null when it has none).
 */
public final class PartitionValues implements Stage {

  private static final String HIVE_NULL = "__HIVE_DEFAULT_PARTITION__";

  private final String landingPath;
  private final List<String> columns;
  private final StructType columnsSchema;

  /**
   * @param landingPath the landing folder's path as it appears in {@code _source_file} (a URI's raw
   *     path, without scheme, authority or trailing slash)
   */
  public PartitionValues(String landingPath, List<String> columns, StructType columnsSchema) {
    this.landingPath = landingPath.replaceAll("/+$", "");
    this.columns = List.copyOf(columns);
    this.columnsSchema = columnsSchema;
  }

  /** The layout {@code ingest} names below the {@code landing} folder (a path or URI). */
  public static PartitionValues of(String landing, io.lakestream.config.IngestSettings ingest) {
    return new PartitionValues(
        new org.apache.hadoop.fs.Path(landing).toUri().getRawPath(),
        ingest.partitionColumns(),
        ingest.columnsSchema());
  }

  @Override
  public Dataset<Row> apply(Dataset<Row> parsed) {
    if (columns.isEmpty()) {
      return parsed;
    }
    Dataset<Row> withValues = parsed;
    for (String name : columns) {
      Column raw = folderValue(name);
      Column value = hiveUnescaped(uriDecoded(raw));
      DataType type = columnsSchema.apply(name).dataType();
      Column typed = type.equals(DataTypes.StringType) ? value : value.try_cast(type);
      Column inLayout = raw.notEqual(lit(""));
      withValues =
          withValues.withColumn(
              name,
              when(inLayout.and(value.equalTo(lit(HIVE_NULL))), lit(null).cast(type))
                  .when(inLayout, typed)
                  .otherwise(col(name)));
    }
    return withValues;
  }

  /** Whether a record's file lies outside the layout: a partition column's folder is missing. */
  public Column outsideLayout() {
    Column outside = lit(false);
    for (String name : columns) {
      outside = outside.or(folderValue(name).equalTo(lit("")));
    }
    return outside;
  }

  /** The raw value of the {@code name=value} folder below landing in the record's file, or "". */
  private Column folderValue(String name) {
    Column below =
        regexp_extract(
            col(BronzeTable.SOURCE_FILE), "^.*?" + Pattern.quote(landingPath) + "/(.*)$", 1);
    // Only folders count (a '/' follows the value), at any depth below landing.
    return regexp_extract(below, "(?:^|/)" + Pattern.quote(name) + "=([^/]*)/", 1);
  }

  /** A path segment of a URI back to the folder's name ('+' is a plus there, not a space). */
  private static Column uriDecoded(Column segment) {
    return url_decode(replace(segment, lit("+"), lit("%2B")));
  }

  /** Hive's escaping of a partition value (%XX), where it decodes; the name as it is otherwise. */
  private static Column hiveUnescaped(Column name) {
    return coalesce(try_url_decode(replace(name, lit("+"), lit("%2B"))), name);
  }
}

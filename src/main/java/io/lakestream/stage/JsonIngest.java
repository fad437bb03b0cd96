package io.lakestream.stage;

import static org.apache.spark.sql.functions.col;

import io.lakestream.config.IngestSettings;
import io.lakestream.sink.BronzeTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The streaming read of the landing folder: JSON lines parsed once with the explicit event schema (no
 * inference), rate-limited per micro-batch, each row tagged with the file it came from. A line that does
 * not parse is kept whole in {@code _corrupt_record} (Spark's PERMISSIVE mode) rather than dropped.
 */
public final class JsonIngest {

  private final String landingFolder;
  private final IngestSettings settings;

  public JsonIngest(String landingFolder, IngestSettings settings) {
    this.landingFolder = landingFolder;
    this.settings = settings;
  }

  /** The schema the JSON reader uses: the event schema plus the raw-text column for unparsed lines. */
  public StructType readSchema() {
    return settings.eventSchema().add(BronzeTable.CORRUPT_RECORD, DataTypes.StringType);
  }

  /** Event columns, {@code _corrupt_record} and {@code _source_file}, as a streaming Dataset. */
  public Dataset<Row> read(SparkSession spark) {
    DataStreamReader reader =
        spark
            .readStream()
            .format("json")
            .schema(readSchema())
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", BronzeTable.CORRUPT_RECORD);
    settings.maxFilesPerTrigger().ifPresent(files -> reader.option("maxFilesPerTrigger", files));
    settings.maxBytesPerTrigger().ifPresent(bytes -> reader.option("maxBytesPerTrigger", bytes));
    return reader
        .load(landingFolder)
        .select(col("*"), col("_metadata.file_path").as(BronzeTable.SOURCE_FILE));
  }
}

package io.lakestream.source;

import static org.apache.spark.sql.functions.col;

import io.lakestream.config.ArchiveMode;
import io.lakestream.config.IngestSettings;
import io.lakestream.table.BronzeTable;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The streaming read of the landing folder: JSON-lines files, rate-limited per micro-batch, each
 * line kept whole with the file it came from (the bronze query then parses each once, with the
 * explicit event schema). Reading lines rather than letting the JSON reader drop what it cannot
 * type is what lets every bad line keep its raw text and every unknown field be rescued.
 */
public final class LandingStream {

  private final String landingFolder;
  private final IngestSettings settings;
  private final ArchiveMode archiveMode;
  private final String archiveFolder;

  public LandingStream(
      String landingFolder,
      IngestSettings settings,
      ArchiveMode archiveMode,
      String archiveFolder) {
    this.landingFolder = landingFolder;
    this.settings = settings;
    this.archiveMode = archiveMode;
    this.archiveFolder = archiveFolder;
  }

  /** {@code _raw_record} and {@code _source_file}, one row per line, as a streaming Dataset. */
  public Dataset<Row> read(SparkSession spark) {
    DataStreamReader reader =
        spark
            .readStream()
            .format("text")
            // Sub-folders are read as plain folders, not as partition columns.
            .option("recursiveFileLookup", "true")
            // A file is archived only after its batch is committed, so a replayed batch that misses
            // a file was already written: Delta skips the replay's writes, and the read must not
            // fail.
            .option("ignoreMissingFiles", "true")
            .options(ZstdCodec.readOption(spark));
    if (archiveMode == ArchiveMode.SPARK) {
      reader.option("cleanSource", "archive").option("sourceArchiveDir", archiveFolder);
    }
    settings.pathGlob().ifPresent(glob -> reader.option("pathGlobFilter", glob));
    settings.maxFilesPerTrigger().ifPresent(files -> reader.option("maxFilesPerTrigger", files));
    settings.maxBytesPerTrigger().ifPresent(bytes -> reader.option("maxBytesPerTrigger", bytes));
    return lines(reader.load(landingFolder));
  }

  /**
   * The same columns for the named files, read as a batch: what a micro-batch holds once a file
   * that cannot be read is set aside.
   */
  public static Dataset<Row> readFiles(SparkSession spark, List<Path> files) {
    if (files.isEmpty()) {
      return spark.createDataFrame(
          List.of(),
          new StructType()
              .add(BronzeTable.RAW_RECORD, DataTypes.StringType)
              .add(BronzeTable.SOURCE_FILE, DataTypes.StringType));
    }
    // A file name is not a pattern: Hadoop's glob characters in it are escaped.
    String[] paths =
        files.stream()
            .map(file -> file.toString().replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1"))
            .toArray(String[]::new);
    return lines(spark.read().format("text").options(ZstdCodec.readOption(spark)).load(paths));
  }

  private static Dataset<Row> lines(Dataset<Row> text) {
    return text.select(
        col("value").as(BronzeTable.RAW_RECORD),
        col("_metadata.file_path").as(BronzeTable.SOURCE_FILE));
  }
}

package io.lakestream.source;

import static org.apache.spark.sql.functions.col;

import io.lakestream.config.ArchiveMode;
import io.lakestream.config.IngestFormat;
import io.lakestream.config.IngestSettings;
import io.lakestream.fs.SessionHadoopConf;
import io.lakestream.table.BronzeTable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The streaming read of the landing folder, rate-limited per micro-batch: each record kept whole as
 * text with the file it came from (the bronze query then parses each once, with the explicit event
 * schema). Reading records as text rather than letting the JSON reader drop what it cannot type is
 * what lets every bad record keep its raw text and every unknown field be rescued.
 *
 * <p>JSON lines are Spark's text source, a record a line. JSON documents ({@code
 * ingest.format=json}) are Spark's binaryFile source for the file list alone (its content column is
 * never read), each file then streamed into records by {@link JsonFileReader}: the same file
 * source, so the same exactly-once file log, rate limits, globs and archiving.
 */
public final class LandingStream {

  /** Spark's binaryFile schema, which a streaming read must be given. */
  private static final StructType BINARY_FILE =
      new StructType()
          .add("path", DataTypes.StringType, false)
          .add("modificationTime", DataTypes.TimestampType, false)
          .add("length", DataTypes.LongType, false)
          .add("content", DataTypes.BinaryType, true);

  private final String landingFolder;
  private final IngestSettings settings;
  private final ArchiveMode archiveMode;
  private final String archiveFolder;
  private final StartPoint start;

  public LandingStream(
      String landingFolder,
      IngestSettings settings,
      ArchiveMode archiveMode,
      String archiveFolder,
      StartPoint start) {
    this.start = start;
    this.landingFolder = landingFolder;
    this.settings = settings;
    this.archiveMode = archiveMode;
    this.archiveFolder = archiveFolder;
  }

  /**
   * {@code _raw_record} and {@code _source_file}, one row per record, as a streaming Dataset; for
   * JSON documents also the reading's own verdict on the record ({@link JsonFileReader#RECORDS}).
   */
  public Dataset<Row> read(SparkSession spark) {
    boolean documents = settings.format() == IngestFormat.JSON;
    DataStreamReader reader =
        spark
            .readStream()
            .format(documents ? "binaryFile" : "text")
            // Sub-folders are read as plain folders, not as partition columns.
            .option("recursiveFileLookup", "true")
            // A file is archived only after its batch is committed, so a replayed batch that misses
            // a file was already written: Delta skips the replay's writes, and the read must not
            // fail.
            .option("ignoreMissingFiles", "true")
            .option("maxFileAge", settings.maxFileAge().toMillis() + "ms");
    if (archiveMode == ArchiveMode.SPARK) {
      reader.option("cleanSource", "archive").option("sourceArchiveDir", archiveFolder);
    }
    settings.pathGlob().ifPresent(glob -> reader.option("pathGlobFilter", glob));
    settings.maxFilesPerTrigger().ifPresent(files -> reader.option("maxFilesPerTrigger", files));
    settings.maxBytesPerTrigger().ifPresent(bytes -> reader.option("maxBytesPerTrigger", bytes));
    if (documents) {
      return records(
          spark, start.applyTo(reader.schema(BINARY_FILE).load(landingFolder)), settings);
    }
    return lines(start.applyTo(reader.options(ZstdCodec.readOption(spark)).load(landingFolder)));
  }

  /**
   * The same columns for the named files, read as a batch: what a micro-batch holds once a file
   * that cannot be read is set aside.
   */
  public static Dataset<Row> readFiles(
      SparkSession spark, List<Path> files, IngestSettings settings) {
    if (files.isEmpty()) {
      return spark.createDataFrame(List.of(), JsonFileReader.RECORDS);
    }
    // A file name is not a pattern: Hadoop's glob characters in it are escaped.
    String[] paths =
        files.stream()
            .map(file -> file.toString().replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1"))
            .toArray(String[]::new);
    if (settings.format() == IngestFormat.JSON) {
      return records(spark, spark.read().format("binaryFile").load(paths), settings);
    }
    return lines(spark.read().format("text").options(ZstdCodec.readOption(spark)).load(paths));
  }

  /** A line has no verdict of its reading: the event parser judges it whole. */
  private static Dataset<Row> lines(Dataset<Row> text) {
    return text.select(
        col("value").as(BronzeTable.RAW_RECORD),
        col("_metadata.file_path").as(BronzeTable.SOURCE_FILE));
  }

  private static Dataset<Row> records(
      SparkSession spark, Dataset<Row> files, IngestSettings settings) {
    Configuration hadoopConf = ZstdCodec.namedIn(SessionHadoopConf.of(spark));
    return files
        .select(col("_metadata.file_path"))
        .mapPartitions(
            new JsonFileReader(hadoopConf, settings.maxRecordBytes()),
            Encoders.row(JsonFileReader.RECORDS));
  }
}

package io.lakestream.contract;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.ltrim;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.lakestream.config.IngestFormat;
import io.lakestream.config.IngestSettings;
import io.lakestream.config.NestedValues;
import io.lakestream.fs.SessionHadoopConf;
import io.lakestream.source.LandingStream;
import io.lakestream.source.ZstdCodec;
import io.lakestream.stage.EventParser;
import io.lakestream.table.BronzeTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ingest.schema=infer}: the event contract from a bounded sample of the landing folder, the
 * oldest files first (at most {@link #MAX_FILES} files or {@link #MAX_BYTES}), as Auto Loader
 * samples. Spark's JSON reader infers the types, mapped to the contract's by {@link JsonFieldTypes}
 * (the rules new fields get too). The pipeline's fields and the hints come first with their fixed
 * types (the seed); a name that is not a plain column name is left out (its values are rescued).
 * Run once per volume: the result is stored and read back by every later run.
 */
public final class EventSchemaInference {

  public static final int MAX_FILES = 1_000;
  public static final long MAX_BYTES = 50L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(EventSchemaInference.class);

  /** The inferred contract and the files it came from. */
  public record Inferred(StructType contract, List<String> files, long bytes) {}

  private final SparkSession spark;

  public EventSchemaInference(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * @param seed the fields whose types are fixed: the pipeline's, then the hints
   */
  public Inferred infer(String landing, StructType seed) {
    return infer(landing, seed, name -> true, null);
  }

  /**
   * @param seed the fields whose types are fixed: the pipeline's, then the hints
   * @param ingest which files are read (ingest.path_glob), how their records are told apart, and
   *     what the inference may propose (ingest.nested, ingest.infer_decimals and _timestamps)
   */
  public Inferred infer(String landing, StructType seed, IngestSettings ingest) {
    return infer(landing, seed, ingest.fileNames(), ingest);
  }

  /**
   * @param reads whether a file of that name is one the pipeline reads
   * @param ingest the settings, or null for JSON lines and the defaults
   */
  private Inferred infer(
      String landing,
      StructType seed,
      java.util.function.Predicate<String> reads,
      IngestSettings ingest) {
    List<LocatedFileStatus> sample = sample(new Path(landing), reads);
    if (sample.isEmpty()) {
      return new Inferred(seed, List.of(), 0);
    }
    List<String> paths = sample.stream().map(file -> file.getPath().toString()).toList();
    long bytes = sample.stream().mapToLong(LocatedFileStatus::getLen).sum();
    NestedValues nested = ingest == null ? NestedValues.STRING : ingest.nested();
    DataFrameReader reader =
        spark
            .read()
            .option("prefersDecimal", ingest != null && ingest.inferDecimals())
            .option("inferTimestamp", ingest != null && ingest.inferTimestamps());
    java.util.function.Function<DataFrameReader, Dataset<Row>> read;
    if (ingest == null || ingest.format() != IngestFormat.JSON) {
      read = json -> json.options(ZstdCodec.readOption(spark)).json(paths.toArray(String[]::new));
    } else {
      // The records as the pipeline splits them: Spark's multiLine reader takes only a file's
      // first value, missing the fields of every later object in the file.
      Dataset<String> records =
          LandingStream.readFiles(
                  spark, sample.stream().map(LocatedFileStatus::getPath).toList(), ingest)
              .where(col(EventParser.READ_REASON).isNull())
              .select(col(BronzeTable.RAW_RECORD))
              .as(Encoders.STRING());
      read = json -> json.json(records);
    }
    StructType sampled = read.apply(reader).schema();
    Set<String> nestedFields =
        nested == NestedValues.VARIANT ? holdingObjectsOrArrays(sampled, seed, read) : Set.of();
    Set<String> names = new HashSet<>();
    for (String name : seed.fieldNames()) {
      names.add(name.toLowerCase(Locale.ROOT));
    }
    StructType contract = seed;
    List<String> leftOut = new ArrayList<>();
    for (StructField field : sampled.fields()) {
      if (!io.lakestream.contract.ContractHistory.isPlainColumnName(field.name())) {
        if (!field.name().equals("_corrupt_record")) {
          leftOut.add(field.name());
        }
        continue;
      }
      if (names.add(field.name().toLowerCase(Locale.ROOT))) {
        contract =
            contract.add(
                field.name(),
                nestedFields.contains(field.name())
                    ? DataTypes.VariantType
                    : JsonFieldTypes.columnType(field.dataType(), nested),
                true);
      }
    }
    if (!leftOut.isEmpty()) {
      LOG.warn(
          "ingest.schema=infer: fields {} are not plain column names and stay in _rescued_data",
          leftOut);
    }
    return new Inferred(contract, paths, bytes);
  }

  /**
   * The fields Spark inferred as STRING because their values disagree, of which at least one
   * sampled value is an object or an array: a VARIANT holds them all (Spark's inference cannot say
   * so; a second read of the sample with those fields as STRING keeps each value's JSON text).
   */
  private Set<String> holdingObjectsOrArrays(
      StructType sampled,
      StructType seed,
      java.util.function.Function<DataFrameReader, Dataset<Row>> read) {
    StructType candidates = new StructType();
    for (StructField field : sampled.fields()) {
      if (field.dataType() instanceof StringType
          && seed.getFieldIndex(field.name()).isEmpty()
          && ContractHistory.isPlainColumnName(field.name())) {
        candidates = candidates.add(field.name(), DataTypes.StringType);
      }
    }
    if (candidates.isEmpty()) {
      return Set.of();
    }
    List<Column> anyNested = new ArrayList<>();
    for (String name : candidates.fieldNames()) {
      anyNested.add(max(when(ltrim(col(name)).rlike("^[\\[{]"), 1).otherwise(0)).as(name));
    }
    Row found =
        read.apply(spark.read().schema(candidates))
            .agg(anyNested.get(0), anyNested.subList(1, anyNested.size()).toArray(Column[]::new))
            .first();
    Set<String> nested = new HashSet<>();
    for (String name : candidates.fieldNames()) {
      if (!found.isNullAt(found.fieldIndex(name)) && found.<Integer>getAs(name) == 1) {
        nested.add(name);
      }
    }
    return nested;
  }

  /**
   * The oldest files under landing (not hidden), within the bounds; at least one if there is any.
   */
  private List<LocatedFileStatus> sample(Path landing, java.util.function.Predicate<String> reads) {
    List<LocatedFileStatus> files = new ArrayList<>();
    try {
      FileSystem fs = landing.getFileSystem(SessionHadoopConf.of(spark));
      if (!fs.exists(landing)) {
        return List.of();
      }
      RemoteIterator<LocatedFileStatus> listing = fs.listFiles(landing, true);
      while (listing.hasNext()) {
        LocatedFileStatus file = listing.next();
        if (!hidden(landing, file.getPath()) && reads.test(file.getPath().getName())) {
          files.add(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + landing + " to infer the event schema", e);
    }
    files.sort(
        Comparator.comparingLong(LocatedFileStatus::getModificationTime)
            .thenComparing(file -> file.getPath().toString()));
    List<LocatedFileStatus> sample = new ArrayList<>();
    long bytes = 0;
    for (LocatedFileStatus file : files) {
      if (!sample.isEmpty() && (sample.size() >= MAX_FILES || bytes + file.getLen() > MAX_BYTES)) {
        break;
      }
      sample.add(file);
      bytes += file.getLen();
    }
    return sample;
  }

  /** A name starting with . or _ anywhere below landing, as Spark's file source skips it. */
  private static boolean hidden(Path landing, Path file) {
    String root = landing.toUri().getPath();
    for (Path path = file;
        path != null && !path.toUri().getPath().equals(root);
        path = path.getParent()) {
      if (path.getName().startsWith(".") || path.getName().startsWith("_")) {
        return true;
      }
    }
    return false;
  }
}

package io.lakestream.config;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.hadoop.fs.GlobPattern;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * How the JSON ingest reads the landing folder: records one per line, or JSON documents ({@code
 * format}). At most one of the two rate limits is set. Lines longer than {@code maxRecordBytes} are
 * not parsed; fields outside the schema are kept as JSON when {@code rescueUnknownFields} (false
 * when {@code schemaEvolution} is NONE). A file back under an ingested name is read again only if
 * {@code allowOverwrites}, and a name is remembered for {@code maxFileAge} behind the newest file
 * read. With {@code pathGlob}, only files whose name matches are read.
 *
 * <p>With {@code inferSchema} (ingest.schema=infer), {@code eventSchema} is the part known before
 * any file is read: the pipeline's fields and {@code schemaHints}; the run infers the rest once and
 * stores it (see {@code contract.EventContract}).
 */
public record IngestSettings(
    StructType eventSchema,
    IngestFormat format,
    IngestStart start,
    NestedValues nested,
    boolean inferDecimals,
    boolean inferTimestamps,
    OptionalInt maxFilesPerTrigger,
    OptionalLong maxBytesPerTrigger,
    long maxRecordBytes,
    boolean rescueUnknownFields,
    boolean allowOverwrites,
    java.time.Duration maxFileAge,
    OptionalLong sourceLogMaxBytes,
    SchemaEvolution schemaEvolution,
    boolean inferSchema,
    StructType schemaHints,
    Optional<String> pathGlob,
    List<String> partitionColumns) {

  static IngestSettings read(ConfigReader reader) {
    boolean infer =
        reader
            .optional(ConfigKeys.INGEST_SCHEMA)
            .map(text -> text.strip().equalsIgnoreCase("infer"))
            .orElse(false);
    NestedValues nested = reader.choiceOrDefault(ConfigKeys.INGEST_NESTED, NestedValues.class);
    Optional<StructType> hints =
        reader.parsed(ConfigKeys.SCHEMA_HINTS, ddl -> parseEventSchema(ddl, nested));
    if (hints.isPresent() && !infer) {
      reader.invalid(
          ConfigKeys.SCHEMA_HINTS,
          "hints apply to an inferred schema; set ingest.schema=infer, or put the types in ingest.schema");
    }
    Optional<StructType> schema;
    if (infer) {
      try {
        schema = Optional.of(inferenceSeed(hints.orElse(new StructType())));
      } catch (IllegalArgumentException e) {
        reader.invalid(ConfigKeys.SCHEMA_HINTS, e.getMessage());
        schema = Optional.empty();
      }
    } else {
      schema =
          reader.parsed(
              ConfigKeys.INGEST_SCHEMA,
              ddl -> {
                StructType parsed = parseEventSchema(ddl, nested);
                if (parsed.getFieldIndex(LakestreamConfig.AMOUNT).nonEmpty()) {
                  requireNumericAmount(parsed.apply(LakestreamConfig.AMOUNT));
                }
                return parsed;
              });
    }
    Optional<String> pathGlob = reader.parsed(ConfigKeys.PATH_GLOB, IngestSettings::parsePathGlob);
    List<String> partitionColumns =
        reader
            .parsed(ConfigKeys.PARTITION_COLUMNS, IngestSettings::parsePartitionColumns)
            .orElse(List.of());
    OptionalInt maxFiles = reader.positiveInt(ConfigKeys.MAX_FILES_PER_TRIGGER);
    OptionalLong maxBytes = reader.positiveSize(ConfigKeys.MAX_BYTES_PER_TRIGGER);
    long maxRecordBytes = reader.positiveSizeOrDefault(ConfigKeys.MAX_RECORD_SIZE);
    boolean rescue = reader.boolOrDefault(ConfigKeys.RESCUE_UNKNOWN_FIELDS);
    if (maxFiles.isPresent() && maxBytes.isPresent()) {
      reader.invalid(
          ConfigKeys.MAX_BYTES_PER_TRIGGER,
          "Spark's file source cannot limit by files and bytes at once; remove "
              + ConfigKeys.MAX_FILES_PER_TRIGGER.name()
              + " or this key");
    }
    boolean allowOverwrites = reader.boolOrDefault(ConfigKeys.ALLOW_OVERWRITES);
    SchemaEvolution evolution =
        reader
            .choice(ConfigKeys.SCHEMA_EVOLUTION, SchemaEvolution.class)
            .filter(mode -> !infer || reader.isExplicit(ConfigKeys.SCHEMA_EVOLUTION))
            .orElse(infer ? SchemaEvolution.ADD_NEW_COLUMNS : SchemaEvolution.RESCUE);
    if ((evolution == SchemaEvolution.FAIL_ON_NEW_COLUMNS
            || evolution == SchemaEvolution.ADD_NEW_COLUMNS)
        && !rescue) {
      reader.invalid(
          ConfigKeys.SCHEMA_EVOLUTION,
          evolution.name().toLowerCase(java.util.Locale.ROOT)
              + " finds new fields among the rescued ones, which"
              + " ingest.rescue_unknown_fields=false turns off; remove that setting");
    }
    return new IngestSettings(
        schema.orElse(null),
        reader.choiceOrDefault(ConfigKeys.INGEST_FORMAT, IngestFormat.class),
        reader.choiceOrDefault(ConfigKeys.INGEST_START, IngestStart.class),
        nested,
        reader.boolOrDefault(ConfigKeys.INFER_DECIMALS),
        reader.boolOrDefault(ConfigKeys.INFER_TIMESTAMPS),
        maxFiles,
        maxBytes,
        maxRecordBytes,
        rescue && evolution != SchemaEvolution.NONE,
        allowOverwrites,
        reader.positiveDurationOrDefault(ConfigKeys.MAX_FILE_AGE),
        reader.positiveSizeOrOff(ConfigKeys.SOURCE_LOG_MAX_SIZE),
        evolution,
        infer,
        hints.orElse(new StructType()),
        pathGlob,
        partitionColumns);
  }

  /** The same settings over another event contract. */
  public IngestSettings withEventSchema(StructType contract) {
    return new IngestSettings(
        contract,
        format,
        start,
        nested,
        inferDecimals,
        inferTimestamps,
        maxFilesPerTrigger,
        maxBytesPerTrigger,
        maxRecordBytes,
        rescueUnknownFields,
        allowOverwrites,
        maxFileAge,
        sourceLogMaxBytes,
        schemaEvolution,
        inferSchema,
        schemaHints,
        pathGlob,
        partitionColumns);
  }

  /**
   * The columns bronze and silver carry: the contract's fields, then each partition column the
   * contract does not declare, as STRING (a declared one keeps its type and place).
   */
  public StructType columnsSchema() {
    StructType columns = eventSchema;
    for (String name : partitionColumns) {
      if (columns.getFieldIndex(name).isEmpty()) {
        columns = columns.add(name, org.apache.spark.sql.types.DataTypes.StringType);
      }
    }
    return columns;
  }

  /**
   * Whether a file of this name is read: every file without {@code ingest.path_glob}, else the
   * names the glob matches, as Spark's pathGlobFilter decides.
   */
  public boolean reads(String fileName) {
    return fileNames().test(fileName);
  }

  /** {@link #reads} with the glob compiled once, for testing many names. */
  public java.util.function.Predicate<String> fileNames() {
    if (pathGlob.isEmpty()) {
      return name -> true;
    }
    GlobPattern glob = new GlobPattern(pathGlob.get());
    return glob::matches;
  }

  private static List<String> parsePartitionColumns(String text) {
    List<String> names = new java.util.ArrayList<>();
    for (String part : text.split(",", -1)) {
      String name = part.strip().toLowerCase(java.util.Locale.ROOT);
      if (!name.matches("[a-z][a-z0-9_]*")) {
        throw new IllegalArgumentException(
            "'"
                + part.strip()
                + "' is not a column name: letters, digits and _, starting with a letter");
      }
      if (names.contains(name)) {
        throw new IllegalArgumentException(name + " is named twice");
      }
      names.add(name);
    }
    return List.copyOf(names);
  }

  /** A glob on file names (Hadoop's syntax, which Spark's pathGlobFilter uses). */
  private static String parsePathGlob(String text) {
    String glob = text.strip();
    if (glob.isEmpty() || glob.contains("/")) {
      throw new IllegalArgumentException(
          "a glob matches file names, not folders: no '/' (sub-folders of landing are read anyway)");
    }
    try {
      new GlobPattern(glob);
    } catch (RuntimeException e) { // Hadoop's shaded re2j PatternSyntaxException
      throw new IllegalArgumentException("not a glob: " + e.getMessage(), e);
    }
    return glob;
  }

  /**
   * What an inferred contract holds before any file is read: the fields the pipeline keys, times
   * and sums events by, with the types it needs whatever the sample says (built-in hints), then the
   * user's hints. A hint may not retype a key or the event time; it may give {@code amount} another
   * numeric type.
   */
  private static StructType inferenceSeed(StructType hints) {
    StructType seed =
        new StructType()
            .add(LakestreamConfig.EVENT_ID, DataTypes.StringType)
            .add(LakestreamConfig.USER_ID, DataTypes.StringType)
            .add(LakestreamConfig.EVENT_TYPE, DataTypes.StringType)
            .add(LakestreamConfig.EVENT_TIME, DataTypes.TimestampType)
            .add(LakestreamConfig.AMOUNT, DataTypes.DoubleType);
    for (StructField hint : hints.fields()) {
      if (hint.name().equals(LakestreamConfig.AMOUNT)) {
        requireNumericAmount(hint);
        seed = replaced(seed, hint);
        continue;
      }
      if (LakestreamConfig.PIPELINE_FIELDS.contains(hint.name())) {
        if (!hint.dataType().equals(seed.apply(hint.name()).dataType())) {
          throw new IllegalArgumentException(
              hint.name()
                  + " must be "
                  + seed.apply(hint.name()).dataType().sql()
                  + ", the pipeline's type");
        }
        continue;
      }
      seed = seed.add(hint);
    }
    return seed;
  }

  /** The gold queries sum {@code amount}: a contract that has it must type it as a number. */
  private static void requireNumericAmount(StructField field) {
    if (!(field.dataType() instanceof NumericType)) {
      throw new IllegalArgumentException(
          LakestreamConfig.AMOUNT
              + " must be a numeric type (DOUBLE, BIGINT, DECIMAL(p,s), ...), not "
              + field.dataType().sql()
              + ": the gold queries sum it, and a value that is not a number is quarantined as"
              + " type_mismatch");
    }
  }

  private static StructType replaced(StructType schema, StructField field) {
    StructField[] fields = schema.fields().clone();
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].name().equals(field.name())) {
        fields[i] = field;
      }
    }
    return new StructType(fields);
  }

  /**
   * @param nested with VARIANT, a declared VARIANT, STRUCT, ARRAY or MAP column is a VARIANT one
   */
  static StructType parseEventSchema(String ddl, NestedValues nested) {
    StructType schema;
    try {
      schema = StructType.fromDDL(ddl);
    } catch (Exception e) { // Spark's ParseException is a checked exception thrown from Scala
      throw new IllegalArgumentException(
          "not a valid DDL column list (" + ConfigReader.firstLine(e.getMessage()) + ")");
    }
    if (schema.fields().length == 0) {
      throw new IllegalArgumentException("the schema has no columns");
    }
    StructField[] fields = schema.fields().clone();
    for (int i = 0; i < fields.length; i++) {
      StructField field = fields[i];
      if (field.name().startsWith(LakestreamConfig.RESERVED_PREFIX)) {
        throw new IllegalArgumentException(
            "column '"
                + field.name()
                + "' starts with '"
                + LakestreamConfig.RESERVED_PREFIX
                + "', which is reserved for lakestream's own columns");
      }
      if (nested == NestedValues.VARIANT
          && isNested(field.dataType())
          && !LakestreamConfig.PIPELINE_FIELDS.contains(field.name())) {
        fields[i] = new StructField(field.name(), DataTypes.VariantType, true, field.metadata());
        continue;
      }
      if (!isAtomic(field.dataType())) {
        throw new IllegalArgumentException(
            "column '"
                + field.name()
                + "' has type "
                + field.dataType().sql()
                + "; only atomic types are supported"
                + " (STRING, numbers, BOOLEAN, DATE, TIMESTAMP, DECIMAL), and VARIANT, STRUCT, ARRAY or"
                + " MAP as VARIANT with ingest.nested=variant");
      }
    }
    return new StructType(fields);
  }

  private static boolean isNested(DataType type) {
    return type instanceof org.apache.spark.sql.types.VariantType
        || type instanceof StructType
        || type instanceof org.apache.spark.sql.types.ArrayType
        || type instanceof org.apache.spark.sql.types.MapType;
  }

  private static boolean isAtomic(DataType type) {
    return type instanceof StringType
        || type instanceof NumericType
        || type instanceof BooleanType
        || type instanceof DateType
        || type instanceof TimestampType
        || type instanceof TimestampNTZType;
  }
}

package io.lakestream.config;

import io.lakestream.config.AggregationSettings.OutputModeChoice;
import io.lakestream.config.TriggerMatrix.Feature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The whole, validated configuration of one run. Immutable; built once at start-up by {@link
 * #from}, which throws a {@link ConfigException} listing every problem before Spark starts any
 * query.
 */
public record LakestreamConfig(
    String appName,
    Optional<String> master,
    VolumeLayout volume,
    CatalogSettings catalog,
    IngestSettings ingest,
    TriggerSpec trigger,
    QualitySettings quality,
    AggregationSettings aggregation,
    EnrichSettings enrich,
    Map<String, SinkKind> sinks,
    StateSettings state,
    Layer stopAfter,
    ArchiveMode archiveMode,
    MaintenanceSettings maintenance,
    FaultPoint haltAt,
    Map<String, String> sparkSettings) {

  /**
   * The same configuration with another event contract (ingest.schema widened by fields the data
   * added).
   */
  public LakestreamConfig withEventSchema(org.apache.spark.sql.types.StructType eventSchema) {
    IngestSettings i = ingest;
    return new LakestreamConfig(
        appName,
        master,
        volume,
        catalog,
        new IngestSettings(
            eventSchema,
            i.maxFilesPerTrigger(),
            i.maxBytesPerTrigger(),
            i.maxRecordBytes(),
            i.rescueUnknownFields(),
            i.allowOverwrites(),
            i.schemaEvolution(),
            i.inferSchema(),
            i.schemaHints()),
        trigger,
        quality,
        aggregation,
        enrich,
        sinks,
        state,
        stopAfter,
        archiveMode,
        maintenance,
        haltAt,
        sparkSettings);
  }

  /** The medallion layers, in the order a draining run feeds them. */
  public enum Layer {
    BRONZE,
    SILVER,
    GOLD
  }

  public LakestreamConfig {
    sinks = Map.copyOf(sinks);
    sparkSettings = Map.copyOf(sparkSettings);
  }

  /** Where the named query writes; Delta unless configured otherwise. */
  public SinkKind sinkOf(String queryName) {
    return sinks.getOrDefault(queryName, SinkKind.DELTA);
  }

  /** lakestream's own columns start with this; event schema columns must not. */
  public static final String RESERVED_PREFIX = "_";

  /** Columns the pipeline itself keys and times events by. */
  public static final String EVENT_ID = "event_id";

  public static final String USER_ID = "user_id";
  public static final String EVENT_TIME = "event_time";
  public static final String EVENT_TYPE = "event_type";
  static final List<String> PIPELINE_FIELDS = List.of(EVENT_ID, USER_ID, EVENT_TYPE, EVENT_TIME);

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Types and validates the resolved values. */
  public static LakestreamConfig from(RawConfig raw) {
    ConfigReader reader = new ConfigReader(raw);

    String appName = reader.textOrDefault(ConfigKeys.APP_NAME);
    Optional<String> master = reader.optional(ConfigKeys.MASTER);
    CatalogSettings catalog = readCatalog(reader);
    VolumeLayout volume = readVolume(reader, catalog);
    IngestSettings ingest = readIngest(reader);
    Optional<TriggerSpec> trigger = reader.parsed(ConfigKeys.TRIGGER, TriggerSpec::parse);
    QualitySettings quality = readQuality(reader, raw, ingest.eventSchema());
    AggregationSettings aggregation = readAggregation(reader);
    EnrichSettings enrich = readEnrich(reader, ingest.eventSchema());
    Map<String, SinkKind> sinks = new LinkedHashMap<>();
    for (ConfigKey key :
        List.of(
            ConfigKeys.SILVER_SINK,
            ConfigKeys.EVENT_COUNTS_SINK,
            ConfigKeys.TYPE_TOTALS_SINK,
            ConfigKeys.SESSIONS_SINK)) {
      reader
          .choice(key, SinkKind.class)
          .ifPresent(kind -> sinks.put(key.name().substring("sink.".length()), kind));
    }
    StateSettings state =
        new StateSettings(
            reader.choiceOrDefault(ConfigKeys.STATE_STORE, StateSettings.Store.class),
            reader.positiveIntOrDefault(ConfigKeys.STATE_PARTITIONS));

    Layer stopAfter = reader.choiceOrDefault(ConfigKeys.STOP_AFTER, Layer.class);
    SinkKind silverSink =
        sinks.getOrDefault(
            ConfigKeys.SILVER_SINK.name().substring("sink.".length()), SinkKind.DELTA);
    if (stopAfter == Layer.GOLD && silverSink != SinkKind.DELTA) {
      // The gold queries stream from the silver Delta table; it would stay empty and gold would
      // write nothing.
      reader.invalid(
          ConfigKeys.SILVER_SINK,
          "the gold queries read silver_events from its Delta table, which a "
              + silverSink.name().toLowerCase(Locale.ROOT)
              + " sink leaves empty; with it, set pipeline.stop_after=silver");
    }
    trigger.ifPresent(spec -> checkTriggerMatrix(reader, spec, stopAfter, sinks, aggregation));
    ArchiveMode archiveMode = reader.choiceOrDefault(ConfigKeys.ARCHIVE_MODE, ArchiveMode.class);
    if (ingest.allowOverwrites()
        && archiveMode != ArchiveMode.MOVE
        && archiveMode != ArchiveMode.DELETE) {
      // Only moves and deletes are logged in archive_log, which is how a file is known to be back.
      reader.invalid(
          ConfigKeys.ALLOW_OVERWRITES,
          "archive.mode="
              + archiveMode.name().toLowerCase(Locale.ROOT)
              + " records no ingested file to compare with; use archive.mode move or delete");
    }
    MaintenanceSettings maintenance = readMaintenance(reader, archiveMode);
    FaultPoint haltAt = reader.choiceOrDefault(ConfigKeys.FAULT_HALT_AT, FaultPoint.class);

    reader.throwIfProblems();
    return new LakestreamConfig(
        appName,
        master,
        volume,
        catalog,
        ingest,
        trigger.orElseThrow(),
        quality,
        aggregation,
        enrich,
        sinks,
        state,
        stopAfter,
        archiveMode,
        maintenance,
        haltAt,
        raw.sparkSettings());
  }

  private static MaintenanceSettings readMaintenance(ConfigReader reader, ArchiveMode archiveMode) {
    Duration logRetention = reader.durationOrDefault(ConfigKeys.LOG_RETENTION);
    if (logRetention.compareTo(Duration.ofDays(1)) < 0) {
      // Delta cleans log files only at a checkpoint; shorter than a day mostly loses the history a
      // restart needs.
      reader.invalid(ConfigKeys.LOG_RETENTION, "shorter than 1d");
    }
    Duration fileRetention = reader.durationOrDefault(ConfigKeys.FILE_RETENTION);
    Duration transactionRetention = reader.durationOrDefault(ConfigKeys.TRANSACTION_RETENTION);
    if (transactionRetention.compareTo(logRetention) < 0) {
      // A run restarted within the log's retention replays its last batch under its id: the id must
      // still be known.
      reader.invalid(
          ConfigKeys.TRANSACTION_RETENTION,
          "shorter than maintain.log_retention (" + Durations.format(logRetention) + ")");
    }
    Optional<Duration> interval = optionalDuration(reader, ConfigKeys.MAINTAIN_INTERVAL);
    if (interval.isPresent() && interval.get().compareTo(Duration.ofMinutes(1)) < 0) {
      reader.invalid(ConfigKeys.MAINTAIN_INTERVAL, "shorter than 1min");
    }
    Optional<Duration> archiveRetention = optionalDuration(reader, ConfigKeys.ARCHIVE_RETENTION);
    if (archiveRetention.isPresent() && archiveMode != ArchiveMode.MOVE) {
      reader.invalid(
          ConfigKeys.ARCHIVE_RETENTION, "there is no archive to clean unless archive.mode=move");
    }
    return new MaintenanceSettings(
        reader.boolOrDefault(ConfigKeys.AUTO_COMPACT),
        logRetention,
        fileRetention,
        transactionRetention,
        optionalDuration(reader, ConfigKeys.PROGRESS_RETENTION),
        archiveRetention,
        interval);
  }

  /** A duration key that also takes {@code off}: empty then. */
  private static Optional<Duration> optionalDuration(ConfigReader reader, ConfigKey key) {
    if (reader.optional(key).map(text -> text.strip().equalsIgnoreCase("off")).orElse(false)) {
      return Optional.empty();
    }
    return reader.duration(key);
  }

  /**
   * Refuses a trigger that cannot run a feature this configuration uses, naming each such feature.
   */
  private static void checkTriggerMatrix(
      ConfigReader reader,
      TriggerSpec trigger,
      Layer stopAfter,
      Map<String, SinkKind> sinks,
      AggregationSettings aggregation) {
    Set<Feature> used =
        EnumSet.of(Feature.FILE_SOURCE, Feature.MAP_LIKE, Feature.APPEND, Feature.FOREACH_BATCH);
    if (stopAfter != Layer.BRONZE) {
      used.addAll(List.of(Feature.DELTA_SOURCE, Feature.DEDUPLICATION));
    }
    if (stopAfter == Layer.GOLD) {
      used.addAll(List.of(Feature.AGGREGATION, Feature.STATEFUL_GROUPS));
      used.add(
          aggregation.eventCountsMode() == OutputModeChoice.UPDATE
              ? Feature.UPDATE
              : Feature.APPEND);
      used.add(
          aggregation.typeTotalsMode() == OutputModeChoice.UPDATE
              ? Feature.UPDATE
              : Feature.COMPLETE);
    }
    sinks
        .values()
        .forEach(
            kind ->
                used.add(
                    switch (kind) {
                      case DELTA -> Feature.FOREACH_BATCH;
                      case CONSOLE -> Feature.CONSOLE;
                      case MEMORY -> Feature.MEMORY;
                    }));
    List<String> problems = TriggerMatrix.unsupported(trigger.kind(), used);
    if (!problems.isEmpty()) {
      reader.invalid(
          ConfigKeys.TRIGGER,
          trigger
              + " cannot run this pipeline: "
              + String.join("; ", problems)
              + ". Use availableNow, or processingTime:<interval> for low latency");
    }
  }

  private static QualitySettings readQuality(
      ConfigReader reader, RawConfig raw, StructType eventSchema) {
    List<String> required =
        reader
            .optional(ConfigKeys.REQUIRED_FIELDS)
            .map(
                text ->
                    Arrays.stream(text.split(","))
                        .map(String::trim)
                        .filter(name -> !name.isEmpty())
                        .toList())
            .orElse(List.of());
    if (eventSchema != null) {
      List<String> columns = List.of(eventSchema.fieldNames());
      List<String> unknown = required.stream().filter(name -> !columns.contains(name)).toList();
      List<String> missing =
          PIPELINE_FIELDS.stream().filter(name -> !required.contains(name)).toList();
      if (!unknown.isEmpty()) {
        reader.invalid(ConfigKeys.REQUIRED_FIELDS, "not columns of ingest.schema: " + unknown);
      } else if (!missing.isEmpty()) {
        reader.invalid(
            ConfigKeys.REQUIRED_FIELDS, "the pipeline keys and times events by " + missing);
      }
      PIPELINE_FIELDS.stream()
          .filter(name -> !columns.contains(name))
          .forEach(
              name ->
                  reader.invalid(
                      ConfigKeys.INGEST_SCHEMA, "the pipeline needs a column '" + name + "'"));
      if (columns.contains(EVENT_TIME)
          && !(eventSchema.apply(EVENT_TIME).dataType() instanceof TimestampType)) {
        reader.invalid(ConfigKeys.INGEST_SCHEMA, "event_time must be a TIMESTAMP");
      }
    }
    Duration skew = reader.durationOrDefault(ConfigKeys.MAX_FUTURE_SKEW);

    List<Expectation> expectations = new ArrayList<>();
    raw.expectations()
        .forEach(
            (name, value) -> {
              String key = ConfigKeys.EXPECTATION_PREFIX + name;
              String allowed =
                  "<warn|drop|fail>: <SQL predicate>, e.g. drop: amount IS NULL OR amount >= 0";
              int colon = value.text().indexOf(':');
              Optional<Expectation.Action> action =
                  colon < 0
                      ? Optional.empty()
                      : Arrays.stream(Expectation.Action.values())
                          .filter(
                              a ->
                                  a.name()
                                      .equalsIgnoreCase(value.text().substring(0, colon).trim()))
                          .findFirst();
              if (!IDENTIFIER.matcher(name).matches()) {
                reader.invalid(
                    key,
                    value,
                    "the rule name must be an identifier (letters, digits and _)",
                    allowed);
              } else if (action.isEmpty()) {
                reader.invalid(
                    key, value, "it does not start with an action warn, drop or fail", allowed);
              } else {
                String predicate = value.text().substring(colon + 1).trim();
                try {
                  CatalystSqlParser$.MODULE$.parseExpression(predicate);
                  expectations.add(new Expectation(name, action.get(), predicate));
                } catch (Exception e) { // ParseException is checked in Scala's eyes only
                  reader.invalid(
                      key,
                      value,
                      "the predicate is not valid SQL (" + firstLine(e.getMessage()) + ")",
                      allowed);
                }
              }
            });
    boolean enabled = reader.boolOrDefault(ConfigKeys.QUALITY_ENABLED);
    return new QualitySettings(enabled, required, skew, expectations);
  }

  private static AggregationSettings readAggregation(ConfigReader reader) {
    Duration delay = reader.durationOrDefault(ConfigKeys.WATERMARK_DELAY);
    Duration horizon = positiveOrDefault(reader, ConfigKeys.DEDUP_HORIZON);
    Duration size = positiveOrDefault(reader, ConfigKeys.WINDOW_SIZE);
    Optional<Duration> slide = positive(reader, ConfigKeys.WINDOW_SLIDE);
    if (slide.isPresent() && slide.get().compareTo(size) > 0) {
      reader.invalid(
          ConfigKeys.WINDOW_SLIDE,
          "a slide longer than windows.size (" + Durations.format(size) + ") would skip events");
    }
    Duration gap = positiveOrDefault(reader, ConfigKeys.SESSION_GAP);
    OutputModeChoice counts =
        reader.choiceOrDefault(ConfigKeys.EVENT_COUNTS_OUTPUT_MODE, OutputModeChoice.class);
    if (counts == OutputModeChoice.COMPLETE) {
      reader.invalid(
          ConfigKeys.EVENT_COUNTS_OUTPUT_MODE,
          "complete mode keeps every window in state forever and rewrites them all each batch");
    }
    OutputModeChoice totals =
        reader.choiceOrDefault(ConfigKeys.TYPE_TOTALS_OUTPUT_MODE, OutputModeChoice.class);
    if (totals == OutputModeChoice.APPEND) {
      reader.invalid(
          ConfigKeys.TYPE_TOTALS_OUTPUT_MODE,
          "append mode needs a watermarked aggregation so that a row can be final; gold_event_type_totals"
              + " totals over all time, so no row is ever final");
    }
    return new AggregationSettings(delay, horizon, size, slide, gap, counts, totals);
  }

  private static EnrichSettings readEnrich(
      ConfigReader reader, org.apache.spark.sql.types.StructType eventSchema) {
    boolean enabled = reader.boolOrDefault(ConfigKeys.ENRICH_ENABLED);
    String table = reader.textOrDefault(ConfigKeys.ENRICH_USERS_TABLE);
    Optional<String> seed = reader.optional(ConfigKeys.ENRICH_USERS_SEED);
    if (!enabled) {
      // Off: silver gets no such columns, so a default list that meets an event column is no
      // conflict.
      return new EnrichSettings(false, table, List.of(), seed);
    }
    List<String> columns =
        reader
            .parsed(
                ConfigKeys.ENRICH_USERS_COLUMNS,
                text -> {
                  List<String> names = new ArrayList<>();
                  for (String part : text.split(",", -1)) {
                    String name = part.trim();
                    if (!IDENTIFIER.matcher(name).matches()) {
                      throw new IllegalArgumentException(
                          "'" + name + "' is not a column name (letters, digits and _)");
                    }
                    if (names.contains(name)) {
                      throw new IllegalArgumentException(name + " is listed twice");
                    }
                    if (name.equals(EnrichSettings.KEY)
                        || (eventSchema != null && eventSchema.getFieldIndex(name).isDefined())
                        || name.startsWith(RESERVED_PREFIX)
                        || name.equals("event_date")) {
                      throw new IllegalArgumentException(
                          name + " is already a silver_events column");
                    }
                    names.add(name);
                  }
                  return names;
                })
            .orElse(List.of("country", "plan"));
    return new EnrichSettings(true, table, columns, seed);
  }

  private static Optional<Duration> positive(ConfigReader reader, ConfigKey key) {
    return reader.parsed(key, LakestreamConfig::positiveDuration);
  }

  private static Duration positiveOrDefault(ConfigReader reader, ConfigKey key) {
    return reader.parsedOrDefault(key, LakestreamConfig::positiveDuration);
  }

  private static Duration positiveDuration(String text) {
    Duration duration = Durations.parse(text);
    if (duration.isZero()) {
      throw new IllegalArgumentException("must be greater than zero");
    }
    return duration;
  }

  private static CatalogSettings readCatalog(ConfigReader reader) {
    CatalogSettings.Mode mode =
        reader.parsedOrDefault(
            ConfigKeys.CATALOG_MODE,
            text -> {
              try {
                return CatalogSettings.Mode.valueOf(text.toUpperCase(Locale.ROOT));
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown catalog mode");
              }
            });
    Optional<String> schema = identifier(reader, ConfigKeys.CATALOG_SCHEMA);
    Optional<String> catalogName = identifier(reader, ConfigKeys.CATALOG_NAME);
    Optional<String> volumeName = identifier(reader, ConfigKeys.CATALOG_VOLUME);
    if (mode == CatalogSettings.Mode.UNITY) {
      String when = " when catalog.mode=unity";
      catalogName = catalogName.or(() -> reader.required(ConfigKeys.CATALOG_NAME, when));
      volumeName = volumeName.or(() -> reader.required(ConfigKeys.CATALOG_VOLUME, when));
    } else {
      // The session catalog has no catalog level and no volumes; a set value would be silently
      // ignored.
      if (catalogName.isPresent()) {
        reader.invalid(ConfigKeys.CATALOG_NAME, "only used when catalog.mode=unity");
      }
      if (volumeName.isPresent()) {
        reader.invalid(ConfigKeys.CATALOG_VOLUME, "only used when catalog.mode=unity");
      }
      catalogName = Optional.empty();
      volumeName = Optional.empty();
    }
    return new CatalogSettings(mode, catalogName, schema.orElse("streaming_workspace"), volumeName);
  }

  private static Optional<String> identifier(ConfigReader reader, ConfigKey key) {
    return reader.parsed(
        key,
        text -> {
          if (!IDENTIFIER.matcher(text).matches()) {
            throw new IllegalArgumentException("not an identifier (letters, digits and _)");
          }
          return text;
        });
  }

  private static VolumeLayout readVolume(ConfigReader reader, CatalogSettings catalog) {
    Optional<String> root = reader.optional(ConfigKeys.VOLUME_ROOT);
    if (root.isEmpty() && catalog.mode() == CatalogSettings.Mode.UNITY) {
      if (catalog.catalog().isPresent() && catalog.volume().isPresent()) {
        root =
            Optional.of(
                "/Volumes/"
                    + catalog.catalog().get()
                    + "/"
                    + catalog.schema()
                    + "/"
                    + catalog.volume().get());
      }
    } else if (root.isEmpty()) {
      root = reader.required(ConfigKeys.VOLUME_ROOT, " when catalog.mode=local");
    }
    if (root.isEmpty()) {
      return null;
    }
    String base = VolumeLayout.normalize(root.get());
    Map<ConfigKey, String> folders = new LinkedHashMap<>();
    folders.put(ConfigKeys.LANDING_DIR, "landing");
    folders.put(ConfigKeys.ARCHIVE_DIR, "archive");
    folders.put(ConfigKeys.CHECKPOINTS_DIR, "checkpoints");
    folders.put(ConfigKeys.TABLES_DIR, "tables");
    List<String> resolved = new ArrayList<>();
    folders.forEach(
        (key, defaultName) ->
            resolved.add(
                reader
                    .optional(key)
                    .map(VolumeLayout::normalize)
                    .orElse(VolumeLayout.child(base, defaultName))));
    VolumeLayout layout =
        new VolumeLayout(base, resolved.get(0), resolved.get(1), resolved.get(2), resolved.get(3));

    // Spark's file source lists the landing folder recursively: anything written below it is read
    // back.
    List<ConfigKey> keys = List.copyOf(folders.keySet());
    for (int i = 1; i < keys.size(); i++) {
      if (VolumeLayout.isInside(resolved.get(i), layout.landing())) {
        reader.invalid(
            keys.get(i),
            "'"
                + resolved.get(i)
                + "' is inside volume.landing '"
                + layout.landing()
                + "', so the pipeline would ingest its own output");
      } else if (VolumeLayout.isInside(layout.landing(), resolved.get(i))) {
        reader.invalid(
            keys.get(i),
            "'"
                + resolved.get(i)
                + "' contains volume.landing '"
                + layout.landing()
                + "'; the two folders must be separate");
      }
    }
    return layout;
  }

  private static IngestSettings readIngest(ConfigReader reader) {
    boolean infer =
        reader
            .optional(ConfigKeys.INGEST_SCHEMA)
            .map(text -> text.strip().equalsIgnoreCase("infer"))
            .orElse(false);
    Optional<StructType> hints =
        reader.parsed(ConfigKeys.SCHEMA_HINTS, LakestreamConfig::parseEventSchema);
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
      schema = reader.parsed(ConfigKeys.INGEST_SCHEMA, LakestreamConfig::parseEventSchema);
    }
    OptionalInt maxFiles = reader.positiveInt(ConfigKeys.MAX_FILES_PER_TRIGGER);
    OptionalLong maxBytes = reader.positiveSize(ConfigKeys.MAX_BYTES_PER_TRIGGER);
    OptionalLong maxRecordBytes = reader.positiveSize(ConfigKeys.MAX_RECORD_SIZE);
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
        maxFiles,
        maxBytes,
        maxRecordBytes.orElse(1L << 20),
        rescue && evolution != SchemaEvolution.NONE,
        allowOverwrites,
        evolution,
        infer,
        hints.orElse(new StructType()));
  }

  /**
   * What an inferred contract holds before any file is read: the fields the pipeline keys and times
   * events by, with the types it needs, then the hints (a hint may not retype a pipeline field).
   */
  private static StructType inferenceSeed(StructType hints) {
    StructType seed =
        new StructType()
            .add(EVENT_ID, org.apache.spark.sql.types.DataTypes.StringType)
            .add(USER_ID, org.apache.spark.sql.types.DataTypes.StringType)
            .add(EVENT_TYPE, org.apache.spark.sql.types.DataTypes.StringType)
            .add(EVENT_TIME, org.apache.spark.sql.types.DataTypes.TimestampType);
    for (StructField hint : hints.fields()) {
      if (PIPELINE_FIELDS.contains(hint.name())) {
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

  static StructType parseEventSchema(String ddl) {
    StructType schema;
    try {
      schema = StructType.fromDDL(ddl);
    } catch (Exception e) { // Spark's ParseException is a checked exception thrown from Scala
      throw new IllegalArgumentException(
          "not a valid DDL column list (" + firstLine(e.getMessage()) + ")");
    }
    if (schema.fields().length == 0) {
      throw new IllegalArgumentException("the schema has no columns");
    }
    for (StructField field : schema.fields()) {
      if (field.name().startsWith(RESERVED_PREFIX)) {
        throw new IllegalArgumentException(
            "column '"
                + field.name()
                + "' starts with '"
                + RESERVED_PREFIX
                + "', which is reserved for lakestream's own columns");
      }
      if (!isAtomic(field.dataType())) {
        throw new IllegalArgumentException(
            "column '"
                + field.name()
                + "' has type "
                + field.dataType().sql()
                + "; only atomic types are supported"
                + " (STRING, numbers, BOOLEAN, DATE, TIMESTAMP, DECIMAL)");
      }
    }
    return schema;
  }

  private static boolean isAtomic(DataType type) {
    return type instanceof StringType
        || type instanceof NumericType
        || type instanceof BooleanType
        || type instanceof DateType
        || type instanceof TimestampType
        || type instanceof TimestampNTZType;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unparseable";
    }
    return message.strip().lines().findFirst().orElse("unparseable");
  }
}

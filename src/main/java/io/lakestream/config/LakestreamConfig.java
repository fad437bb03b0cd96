package io.lakestream.config;

import io.lakestream.config.AggregationSettings.OutputModeChoice;
import io.lakestream.config.TriggerMatrix.Feature;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
    HaltAt haltAt,
    Optional<String> haltWriting,
    Map<String, String> sparkSettings) {

  /**
   * The same configuration with another event contract (ingest.schema widened by fields the data
   * added).
   */
  public LakestreamConfig withEventSchema(org.apache.spark.sql.types.StructType eventSchema) {
    return new LakestreamConfig(
        appName,
        master,
        volume,
        catalog,
        ingest.withEventSchema(eventSchema),
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
        haltWriting,
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

  /** Summed by the gold queries: numeric in every contract, pinned as DOUBLE when inferred. */
  public static final String AMOUNT = "amount";

  static final List<String> PIPELINE_FIELDS = List.of(EVENT_ID, USER_ID, EVENT_TYPE, EVENT_TIME);

  /** Types and validates the resolved values. */
  public static LakestreamConfig from(RawConfig raw) {
    ConfigReader reader = new ConfigReader(raw);

    String appName = reader.textOrDefault(ConfigKeys.APP_NAME);
    Optional<String> master = reader.optional(ConfigKeys.MASTER);
    CatalogSettings catalog = CatalogSettings.read(reader);
    VolumeLayout volume = VolumeLayout.read(reader, catalog);
    IngestSettings ingest = IngestSettings.read(reader);
    Optional<TriggerSpec> trigger = reader.parsed(ConfigKeys.TRIGGER, TriggerSpec::parse);
    QualitySettings quality = QualitySettings.read(reader, raw, ingest.eventSchema());
    AggregationSettings aggregation = AggregationSettings.read(reader);
    EnrichSettings enrich = EnrichSettings.read(reader, ingest.eventSchema());
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
    StateSettings state = StateSettings.read(reader);

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
    if (reader.isExplicit(ConfigKeys.SOURCE_LOG_MAX_SIZE)
        && ingest.sourceLogMaxBytes().isPresent()
        && archiveMode != ArchiveMode.MOVE
        && archiveMode != ArchiveMode.DELETE) {
      // A new log would read again every file the old one read, all still in landing.
      reader.invalid(
          ConfigKeys.SOURCE_LOG_MAX_SIZE,
          "archive.mode="
              + archiveMode.name().toLowerCase(Locale.ROOT)
              + " leaves read files in landing, which a new log would read again; use archive.mode"
              + " move or delete, or set this key to off");
    }
    if (ingest.start() == IngestStart.NEW && archiveMode == ArchiveMode.SPARK) {
      // Spark's cleanSource archives every file its source logged, the ones left unread too.
      reader.invalid(
          ConfigKeys.INGEST_START,
          "archive.mode=spark would archive the files new leaves unread; use archive.mode move, delete"
              + " or off");
    }
    MaintenanceSettings maintenance = MaintenanceSettings.read(reader, archiveMode);
    HaltAt haltAt = reader.parsedOrDefault(ConfigKeys.FAULT_HALT_AT, HaltAt::parse);
    Optional<String> haltWriting = reader.optional(ConfigKeys.FAULT_HALT_WRITING);

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
        haltWriting,
        raw.sparkSettings());
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
}

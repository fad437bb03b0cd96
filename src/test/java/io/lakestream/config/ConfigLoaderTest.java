package io.lakestream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  private LakestreamConfig load(
      Map<String, String> file, Map<String, String> sparkConf, Map<String, String> cli) {
    return LakestreamConfig.from(RawConfig.resolve(file, sparkConf, cli));
  }

  private LakestreamConfig loadCli(Map<String, String> cli) {
    return load(Map.of(), Map.of(), cli);
  }

  @Test
  void commandLineBeatsSparkConfBeatsFileBeatsDefault() {
    Map<String, String> file =
        Map.of("volume.root", "/data", "trigger", "processingTime:1s", "app.name", "from-file");
    Map<String, String> spark =
        Map.of(
            "spark.lakestream.trigger",
            "processingTime:2s",
            "spark.lakestream.app.name",
            "from-spark");
    Map<String, String> cli = Map.of("trigger", "processingTime:3s");

    LakestreamConfig config = load(file, spark, cli);

    assertThat(config.trigger()).isEqualTo(new TriggerSpec.ProcessingTime(Duration.ofSeconds(3)));
    assertThat(config.appName()).isEqualTo("from-spark");
    assertThat(load(file, Map.of(), Map.of()).appName()).isEqualTo("from-file");
    assertThat(load(Map.of("volume.root", "/data"), Map.of(), Map.of()).appName())
        .isEqualTo("lakestream");
    assertThat(load(Map.of("volume.root", "/data"), Map.of(), Map.of()).trigger())
        .isEqualTo(new TriggerSpec.AvailableNow(false));
  }

  @Test
  void defaultsPlaceEveryFolderUnderTheRoot() {
    LakestreamConfig config = loadCli(Map.of("volume.root", "/data/lake"));

    assertThat(config.volume())
        .isEqualTo(
            new VolumeLayout(
                "/data/lake",
                "/data/lake/landing",
                "/data/lake/archive",
                "/data/lake/checkpoints",
                "/data/lake/tables"));
    assertThat(config.volume().checkpointFor("bronze_events"))
        .isEqualTo("/data/lake/checkpoints/bronze_events");
    assertThat(config.catalog().tableIdentifier("bronze_events"))
        .isEqualTo("`streaming_workspace`.`bronze_events`");
    assertThat(config.master()).isEmpty();
    assertThat(config.ingest().maxFilesPerTrigger()).isEmpty();
    // No ingest.schema: inferred at the first run, from the pipeline's fields on (pinned to the
    // types it computes with), and new fields join it.
    assertThat(config.ingest().inferSchema()).isTrue();
    assertThat(config.ingest().eventSchema().toDDL())
        .isEqualTo(
            "event_id STRING,user_id STRING,event_type STRING,event_time TIMESTAMP,amount DOUBLE");
    assertThat(config.ingest().schemaEvolution()).isEqualTo(SchemaEvolution.ADD_NEW_COLUMNS);
  }

  @Test
  void relativeRootIsResolvedAgainstTheWorkingDirectory() {
    LakestreamConfig config = loadCli(Map.of("volume.root", "./some/../lake"));

    assertThat(config.volume().root()).isEqualTo(Path.of("lake").toAbsolutePath().toString());
  }

  @Test
  void sparkConfEntriesWithoutThePrefixAreIgnored() {
    LakestreamConfig config =
        load(
            Map.of(),
            Map.of("spark.master", "local[4]", "spark.sql.shuffle.partitions", "3"),
            Map.of("volume.root", "/x"));

    assertThat(config.master()).isEmpty();
  }

  @Test
  void unknownKeyIsNamedWithItsSourceAndTheClosestKnownKey() {
    assertThatThrownBy(
            () -> load(Map.of("volume.rot", "/x"), Map.of(), Map.of("volume.root", "/x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "unknown key 'volume.rot' (from properties file). Did you mean 'volume.root'?")
        .hasMessageContaining("Allowed keys: app.name, master, volume.root");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(),
                    Map.of("spark.lakestream.triger", "once"),
                    Map.of("volume.root", "/x")))
        .hasMessageContaining("unknown key 'triger' (from Spark conf). Did you mean 'trigger'?");
  }

  @Test
  void partitionColumnsAreNamesAndUndeclaredOnesBecomeStringColumns() {
    LakestreamConfig config =
        loadCli(
            Map.of(
                "volume.root", "/x",
                "ingest.schema", ConfigKeys.SAMPLE_EVENT_SCHEMA + ", date DATE",
                "ingest.partition_columns", " date, Hour "));
    assertThat(config.ingest().partitionColumns()).containsExactly("date", "hour");
    assertThat(config.ingest().columnsSchema().apply("date").dataType().sql()).isEqualTo("DATE");
    assertThat(config.ingest().columnsSchema().apply("hour").dataType().sql()).isEqualTo("STRING");
    assertThat(config.ingest().eventSchema().getFieldIndex("hour").isEmpty()).isTrue();
    assertThat(loadCli(Map.of("volume.root", "/x")).ingest().partitionColumns()).isEmpty();
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "ingest.partition_columns", "date,,hour")))
        .hasMessageContaining("ingest.partition_columns = 'date,,hour'")
        .hasMessageContaining("'' is not a column name");
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "ingest.partition_columns", "date,DATE")))
        .hasMessageContaining("date is named twice");
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "ingest.partition_columns", "_file")))
        .hasMessageContaining(
            "'_file' is not a column name: letters, digits and _, starting with a letter");
  }

  @Test
  void theIngestFormatIsJsonLinesUnlessSetAndAnUnknownOneIsRefusedByName() {
    assertThat(loadCli(Map.of("volume.root", "/x")).ingest().format())
        .isEqualTo(IngestFormat.JSON_LINES);
    assertThat(loadCli(Map.of("volume.root", "/x", "ingest.format", " JSON ")).ingest().format())
        .isEqualTo(IngestFormat.JSON);
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "ingest.format", "jsonl")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.format")
        .hasMessageContaining("json_lines | json");
  }

  @Test
  void theStartIsAllUnlessSetAndNewIsRefusedWithSparksArchiving() {
    assertThat(loadCli(Map.of("volume.root", "/x")).ingest().start()).isEqualTo(IngestStart.ALL);
    assertThat(loadCli(Map.of("volume.root", "/x", "ingest.start", "new")).ingest().start())
        .isEqualTo(IngestStart.NEW);
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "ingest.start", "latest")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.start")
        .hasMessageContaining("all | new");
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of("volume.root", "/x", "ingest.start", "new", "archive.mode", "spark")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.start")
        .hasMessageContaining("archive.mode=spark would archive the files new leaves unread");
  }

  @Test
  void theSourceLogBoundAndTheFileAgeHaveDefaultsAndRefuseWhatCannotWork() {
    LakestreamConfig defaults = loadCli(Map.of("volume.root", "/x", "archive.mode", "off"));
    assertThat(defaults.ingest().sourceLogMaxBytes()).hasValue(64L << 20);
    assertThat(defaults.ingest().maxFileAge()).isEqualTo(java.time.Duration.ofDays(7));
    assertThat(
            loadCli(Map.of("volume.root", "/x", "ingest.source_log_max_size", "off"))
                .ingest()
                .sourceLogMaxBytes())
        .isEmpty();
    assertThat(
            loadCli(Map.of("volume.root", "/x", "ingest.source_log_max_size", "1g"))
                .ingest()
                .sourceLogMaxBytes())
        .hasValue(1L << 30);
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of(
                        "volume.root", "/x",
                        "ingest.source_log_max_size", "256m",
                        "archive.mode", "off")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.source_log_max_size")
        .hasMessageContaining("archive.mode=off leaves read files in landing");
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "ingest.source_log_max_size", "big")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.source_log_max_size");
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "ingest.max_file_age", "0s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.max_file_age");
  }

  @Test
  void nestedColumnsAreVariantOnlyWithIngestNestedVariant() {
    String ddl =
        ConfigKeys.SAMPLE_EVENT_SCHEMA + ", ctx STRUCT<os: STRING>, tags ARRAY<STRING>, v VARIANT";
    StructType schema =
        loadCli(Map.of("volume.root", "/x", "ingest.schema", ddl, "ingest.nested", "variant"))
            .ingest()
            .eventSchema();
    assertThat(schema.apply("ctx").dataType()).isEqualTo(DataTypes.VariantType);
    assertThat(schema.apply("tags").dataType()).isEqualTo(DataTypes.VariantType);
    assertThat(schema.apply("v").dataType()).isEqualTo(DataTypes.VariantType);
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "ingest.schema", ddl)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.schema")
        .hasMessageContaining("as VARIANT with ingest.nested=variant");
    // The pipeline keys and times events by its own fields: they never become VARIANT.
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of(
                        "volume.root", "/x",
                        "ingest.schema",
                            ConfigKeys.SAMPLE_EVENT_SCHEMA.replace(
                                "event_id STRING", "event_id VARIANT"),
                        "ingest.nested", "variant")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("column 'event_id' has type VARIANT");
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "ingest.nested", "json")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.nested")
        .hasMessageContaining("string | variant");
  }

  @Test
  void aPathGlobMatchesFileNamesAndABadOneIsRefusedByName() {
    LakestreamConfig config =
        loadCli(Map.of("volume.root", "/x", "ingest.path_glob", " events-*.json.gz "));
    assertThat(config.ingest().pathGlob()).contains("events-*.json.gz");
    assertThat(config.ingest().reads("events-01.json.gz")).isTrue();
    assertThat(config.ingest().reads("events-01.json")).isFalse();
    assertThat(config.ingest().reads("notes.txt")).isFalse();
    assertThat(loadCli(Map.of("volume.root", "/x")).ingest().reads("notes.txt")).isTrue();
    assertThat(
            loadCli(Map.of("volume.root", "/x", "ingest.path_glob", "*.{json,jsonl}"))
                .ingest()
                .reads("a.jsonl"))
        .isTrue();

    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "ingest.path_glob", "2026/*.json")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.path_glob")
        .hasMessageContaining("a glob matches file names, not folders");
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "ingest.path_glob", "[ab")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.path_glob")
        .hasMessageContaining("a glob on file names, such as *.json");
  }

  @Test
  void missingRootNamesTheKeyAndHowToSetIt() {
    assertThatThrownBy(() -> loadCli(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing required key 'volume.root' when catalog.mode=local")
        .hasMessageContaining("--set volume.root=...")
        .hasMessageContaining("--conf spark.lakestream.volume.root=...");
  }

  @Test
  void malformedDurationNamesKeyValueSourceAndRule() {
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "trigger", "processingTime:10 parsecs")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("trigger = 'processingTime:10 parsecs' (from --set) is not allowed")
        .hasMessageContaining(
            "'10 parsecs' is not a duration (an interval is a whole number with a unit ms, s, m/min, h or d")
        .hasMessageContaining("Allowed: availableNow | processingTime:<interval>");
  }

  @Test
  void silverToConsoleOrMemoryNeedsTheRunToStopAfterSilver() {
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "sink.silver_events", "console")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "sink.silver_events = 'console' (from --set) is not allowed: the gold queries read silver_events from its Delta"
                + " table, which a console sink leaves empty; with it, set pipeline.stop_after=silver");
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "sink.silver_events", "memory")))
        .hasMessageContaining("which a memory sink leaves empty");
    assertThat(
            loadCli(
                    Map.of(
                        "volume.root",
                        "/x",
                        "sink.silver_events",
                        "memory",
                        "pipeline.stop_after",
                        "silver"))
                .sinkOf("silver_events"))
        .isEqualTo(SinkKind.MEMORY);
  }

  @Test
  void eachRuleIsSaidOnce() {
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "windows.size", "10y")))
        .satisfies(
            e -> {
              String message = e.getMessage();
              assertThat(message)
                  .contains(
                      "windows.size = '10y' (from --set) is not allowed: '10y' is not a duration. Allowed: a whole number");
              assertThat(message.split("a whole number with a unit", -1)).hasSize(2);
            });
    assertThatThrownBy(
            () ->
                loadCli(Map.of("volume.root", "/x", "ingest.max_bytes_per_trigger", "12 parsecs")))
        .satisfies(e -> assertThat(e.getMessage().split("512k", -1)).hasSize(2));
  }

  @Test
  void theTypedSettingsHoldTheDefaultsConfigKeysDeclares() {
    LakestreamConfig config = loadCli(Map.of("volume.root", "/x"));
    // Each default is written once, as text in ConfigKeys; the typed value is that text parsed.
    assertThat(config.appName()).isEqualTo(ConfigKeys.APP_NAME.defaultValue().orElseThrow());
    assertThat(config.state().store().name())
        .isEqualToIgnoringCase(ConfigKeys.STATE_STORE.defaultValue().orElseThrow());
    assertThat(ConfigKeys.STATE_PARTITIONS.defaultValue()).contains("auto");
    assertThat(config.state().partitions()).isEmpty();
    assertThat(loadCli(Map.of("volume.root", "/x", "state.partitions", "6")).state().partitions())
        .hasValue(6);
    assertThat(config.stopAfter().name()).isEqualTo("GOLD");
    assertThat(config.archiveMode()).isEqualTo(ArchiveMode.MOVE);
    assertThat(config.haltAt()).isEqualTo(HaltAt.OFF);
    assertThat(config.maintenance().logRetention()).isEqualTo(java.time.Duration.ofDays(30));
    assertThat(config.maintenance().fileRetention()).isEqualTo(java.time.Duration.ofDays(7));
    assertThat(config.maintenance().autoCompact()).isTrue();
    assertThat(config.quality().maxFutureSkew()).isEqualTo(java.time.Duration.ofMinutes(10));
    assertThat(config.aggregation().watermarkDelay()).isEqualTo(java.time.Duration.ofMinutes(10));
    assertThat(config.aggregation().dedupHorizon()).isEqualTo(java.time.Duration.ofHours(24));
    assertThat(config.aggregation().windowSize()).isEqualTo(java.time.Duration.ofMinutes(5));
    assertThat(config.aggregation().sessionGap()).isEqualTo(java.time.Duration.ofMinutes(30));
    assertThat(config.aggregation().eventCountsMode().name()).isEqualTo("APPEND");
    assertThat(config.aggregation().typeTotalsMode().name()).isEqualTo("COMPLETE");
    assertThat(config.enrich().enabled()).isFalse();
    assertThat(config.catalog().mode()).isEqualTo(CatalogSettings.Mode.LOCAL);
  }

  @Test
  void badValuesOfKeysWithDefaultsAreAllReportedAtOnce() {
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of(
                        "volume.root", "/x",
                        "state.partitions", "zero",
                        "maintain.auto_compact", "yes",
                        "sessions.gap", "0s",
                        "archive.mode", "shred",
                        "maintain.file_retention", "a week")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .hasSize(5)
                    .anySatisfy(p -> assertThat(p).startsWith("state.partitions = 'zero'"))
                    .anySatisfy(p -> assertThat(p).startsWith("maintain.auto_compact = 'yes'"))
                    .anySatisfy(p -> assertThat(p).startsWith("sessions.gap = '0s'"))
                    .anySatisfy(p -> assertThat(p).startsWith("archive.mode = 'shred'"))
                    .anySatisfy(
                        p -> assertThat(p).startsWith("maintain.file_retention = 'a week'")));
  }

  @Test
  void anEmptyValueForAKeyWithADefaultIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "trigger", "")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "trigger = '' (from --set) is not allowed: empty (remove the key to use its default, availableNow)")
        .hasMessageContaining("Allowed: availableNow | processingTime:<interval>");
    assertThatThrownBy(
            () -> load(Map.of("volume.root", "/x", "ingest.schema", " "), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.schema = '' (from properties file) is not allowed: empty");
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "state.partitions", "", "windows.size", "")))
        .hasMessageContaining("state.partitions = '' (from --set) is not allowed: empty")
        .hasMessageContaining("windows.size = '' (from --set) is not allowed: empty");
    // A key without a default may be left empty: it stays unset.
    assertThat(
            loadCli(Map.of("volume.root", "/x", "ingest.max_files_per_trigger", ""))
                .ingest()
                .maxFilesPerTrigger())
        .isEmpty();
  }

  @Test
  void malformedSizeNamesKeyAndRule() {
    assertThatThrownBy(
            () ->
                loadCli(Map.of("volume.root", "/x", "ingest.max_bytes_per_trigger", "12 parsecs")))
        .hasMessageContaining(
            "ingest.max_bytes_per_trigger = '12 parsecs' (from --set) is not allowed")
        .hasMessageContaining("Allowed: a size such as 512k, 128m, 1g");
    assertThat(
            loadCli(Map.of("volume.root", "/x", "ingest.max_bytes_per_trigger", "128m"))
                .ingest()
                .maxBytesPerTrigger())
        .hasValue(128L << 20);
  }

  @Test
  void maxFilesMustBeAPositiveNumber() {
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "ingest.max_files_per_trigger", "0")))
        .hasMessageContaining(
            "ingest.max_files_per_trigger = '0' (from --set) is not allowed: not a positive whole number");
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "ingest.max_files_per_trigger", "many")))
        .hasMessageContaining("ingest.max_files_per_trigger = 'many'");
  }

  @Test
  void filesAndBytesLimitsAreExclusive() {
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of(
                        "volume.root", "/x",
                        "ingest.max_files_per_trigger", "5",
                        "ingest.max_bytes_per_trigger", "1m")))
        .hasMessageContaining("ingest.max_bytes_per_trigger = '1m' (from --set) is not allowed")
        .hasMessageContaining("cannot limit by files and bytes at once");
  }

  @Test
  void archiveInsideLandingIsRefused() {
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of(
                        "volume.root",
                        "/x",
                        "volume.landing",
                        "/x/in",
                        "volume.archive",
                        "/x/in/done/")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("volume.archive = '/x/in/done/' (from --set) is not allowed")
        .hasMessageContaining(
            "'/x/in/done' is inside volume.landing '/x/in', so the pipeline would ingest its own output");
  }

  @Test
  void archiveInsideLandingIsRefusedWhenOneIsRelative() {
    String landing = dir.resolve("in").toString();
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of(
                        "volume.root",
                        "/x",
                        "volume.landing",
                        landing,
                        "volume.archive",
                        relativeTo(landing) + "/a")))
        .hasMessageContaining("volume.archive")
        .hasMessageContaining("is inside volume.landing");
  }

  private static String relativeTo(String absolute) {
    return Path.of("").toAbsolutePath().relativize(Path.of(absolute)).toString();
  }

  @Test
  void folderHoldingTheLandingIsRefusedButASiblingWithACommonPrefixIsFine() {
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "volume.landing", "/x/tables/in")))
        .hasMessageContaining(
            "volume.tables = '' (from default) is not allowed: '/x/tables' contains volume.landing");
    assertThat(
            loadCli(
                    Map.of(
                        "volume.root",
                        "/x",
                        "volume.landing",
                        "/x/in",
                        "volume.archive",
                        "/x/in-archive"))
                .volume()
                .archive())
        .isEqualTo("/x/in-archive");
  }

  @Test
  void onceRunsAsAvailableNow() {
    assertThat(loadCli(Map.of("volume.root", "/x", "trigger", "once")).trigger())
        .isEqualTo(new TriggerSpec.AvailableNow(true));
  }

  @Test
  void badSchemaIsRefused() {
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "ingest.schema", "event_id STRNG,")))
        .hasMessageContaining(
            "ingest.schema = 'event_id STRNG,' (from --set) is not allowed: not a valid DDL column list");
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of(
                        "volume.root",
                        "/x",
                        "ingest.schema",
                        "event_id STRING, _source_file STRING")))
        .hasMessageContaining(
            "column '_source_file' starts with '_', which is reserved for lakestream's own columns");
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of(
                        "volume.root",
                        "/x",
                        "ingest.schema",
                        "event_id STRING, tags ARRAY<STRING>")))
        .hasMessageContaining(
            "column 'tags' has type ARRAY<STRING>; only atomic types are supported");
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "ingest.rescue_unknown_fields", "yes")))
        .hasMessageContaining(
            "ingest.rescue_unknown_fields = 'yes' (from --set) is not allowed: not true or false");
  }

  @Test
  void unityModeNeedsCatalogAndVolumeAndDerivesTheRoot() {
    assertThatThrownBy(() -> loadCli(Map.of("catalog.mode", "unity")))
        .hasMessageContaining("missing required key 'catalog.name' when catalog.mode=unity")
        .hasMessageContaining("missing required key 'catalog.volume' when catalog.mode=unity");

    LakestreamConfig config =
        loadCli(Map.of("catalog.mode", "unity", "catalog.name", "main", "catalog.volume", "raw"));

    assertThat(config.volume().root()).isEqualTo("/Volumes/main/streaming_workspace/raw");
    assertThat(config.volume().landing())
        .isEqualTo("/Volumes/main/streaming_workspace/raw/landing");
    assertThat(config.catalog().tableIdentifier("bronze_events"))
        .isEqualTo("`main`.`streaming_workspace`.`bronze_events`");
    assertThat(config.catalog().volumeIdentifier()).isEqualTo("`main`.`streaming_workspace`.`raw`");
  }

  @Test
  void unityOnlyKeysAreRefusedInLocalMode() {
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "catalog.name", "main")))
        .hasMessageContaining(
            "catalog.name = 'main' (from --set) is not allowed: only used when catalog.mode=unity");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    ConfigException error =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class,
            () ->
                loadCli(
                    Map.of(
                        "trigger",
                        "sometimes",
                        "catalog.mode",
                        "cloud",
                        "ingest.max_files_per_trigger",
                        "-1")));

    assertThat(error.problems()).hasSize(4);
    assertThat(error.getMessage())
        .startsWith("Invalid lakestream configuration:")
        .contains(
            "catalog.mode = 'cloud' (from --set) is not allowed: unknown catalog mode. Allowed: local | unity.")
        .contains("trigger = 'sometimes'")
        .contains("ingest.max_files_per_trigger = '-1'")
        .contains("missing required key 'volume.root'");
  }

  @Test
  void loadsThePropertiesFileAndReportsAMissingOne() throws IOException {
    Path file = dir.resolve("app.properties");
    Files.writeString(file, "volume.root=/lake\ntrigger=processingTime:30s\n");

    LakestreamConfig config = ConfigLoader.load(Optional.of(file.toString()), Map.of(), Map.of());

    assertThat(config.trigger()).isEqualTo(new TriggerSpec.ProcessingTime(Duration.ofSeconds(30)));
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.of(dir.resolve("nope.properties").toString()), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "properties file '" + dir.resolve("nope.properties") + "' does not exist");
  }

  @Test
  void sparkConfMayNameThePropertiesFile() throws IOException {
    Path file = dir.resolve("cluster.properties");
    Files.writeString(file, "volume.root=/lake\napp.name=from-cluster-file\n");

    LakestreamConfig config =
        ConfigLoader.load(
            Optional.empty(), Map.of("spark.lakestream.config", file.toString()), Map.of());

    assertThat(config.appName()).isEqualTo("from-cluster-file");
  }

  @Test
  void shippedPropertiesFilesAreValid() {
    LakestreamConfig local =
        ConfigLoader.load(Optional.of("conf/local.properties"), Map.of(), Map.of());
    LakestreamConfig databricks =
        ConfigLoader.load(Optional.of("conf/databricks.properties"), Map.of(), Map.of());

    assertThat(local.master()).hasValue("local[*]");
    assertThat(local.volume().root())
        .isEqualTo(Path.of("lakestream-data").toAbsolutePath().toString());
    assertThat(databricks.catalog().mode()).isEqualTo(CatalogSettings.Mode.UNITY);
    assertThat(databricks.volume().root())
        .isEqualTo("/Volumes/main/streaming_workspace/lakestream");
  }

  @Test
  void outputModesAQueryCannotSupportAreRefusedWithTheReason() {
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "gold.type_totals.output_mode", "append")))
        .hasMessageContaining(
            "gold.type_totals.output_mode = 'append' (from --set) is not allowed: append mode needs a"
                + " watermarked aggregation so that a row can be final")
        .hasMessageContaining("Allowed: complete | update.");
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "gold.event_counts.output_mode", "complete")))
        .hasMessageContaining("complete mode keeps every window in state forever");
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "sink.silver_events", "kafka")))
        .hasMessageContaining(
            "sink.silver_events = 'kafka' (from --set) is not allowed: unknown value. Allowed: delta | console | memory.");
  }

  @Test
  void expectationsAreParsedWithTheirActionAndBadOnesNamed() {
    LakestreamConfig config =
        loadCli(
            Map.of(
                "volume.root",
                "/x",
                "quality.expect.positive",
                "drop: amount > 0",
                "quality.expect.known",
                "WARN: page LIKE '/%'"));

    assertThat(config.quality().expectations())
        .containsExactly(
            new Expectation("known", Expectation.Action.WARN, "page LIKE '/%'"),
            new Expectation("positive", Expectation.Action.DROP, "amount > 0"));
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "quality.expect.x", "amount > 0")))
        .hasMessageContaining(
            "quality.expect.x = 'amount > 0' (from --set) is not allowed: it does not start with an action warn, drop or fail");
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "quality.expect.y", "fail: amount >")))
        .hasMessageContaining(
            "quality.expect.y = 'fail: amount >' (from --set) is not allowed: the predicate is not valid SQL");
  }

  @Test
  void requiredFieldsMustBeSchemaColumnsAndIncludeThePipelineKeys() {
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of(
                        "volume.root",
                        "/x",
                        "quality.required_fields",
                        "event_id, user_id, event_time, event_type, colour")))
        .hasMessageContaining("not columns of ingest.schema: [colour]");
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "quality.required_fields", "event_id")))
        .hasMessageContaining(
            "the pipeline keys and times events by [user_id, event_type, event_time]");
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of(
                        "volume.root",
                        "/x",
                        "ingest.schema",
                        "event_id STRING, user_id STRING, event_type STRING, event_time STRING")))
        .hasMessageContaining("event_time must be a TIMESTAMP");
  }

  @Test
  void logRetentionIsNotShorterThanFileRetention() {
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of(
                        "volume.root",
                        "/x",
                        "maintain.log_retention",
                        "2d",
                        "maintain.transaction_retention",
                        "2d")))
        .hasMessageContaining("maintain.log_retention")
        .hasMessageContaining("shorter than maintain.file_retention (7d)");
  }

  @Test
  void amountIsANumberInEveryContract() {
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of(
                        "volume.root",
                        "/x",
                        "ingest.schema",
                        "event_id STRING, user_id STRING, event_type STRING, event_time TIMESTAMP,"
                            + " amount STRING")))
        .hasMessageContaining("ingest.schema")
        .hasMessageContaining(
            "amount must be a numeric type (DOUBLE, BIGINT, DECIMAL(p,s), ...), not STRING");
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of(
                        "volume.root", "/x", "ingest.schema_hints", "amount STRING, page STRING")))
        .hasMessageContaining("ingest.schema_hints")
        .hasMessageContaining("amount must be a numeric type");
    // A hint may give amount another numeric type, consciously.
    assertThat(
            loadCli(Map.of("volume.root", "/x", "ingest.schema_hints", "amount DECIMAL(10,2)"))
                .ingest()
                .eventSchema()
                .apply("amount")
                .dataType()
                .sql())
        .isEqualTo("DECIMAL(10,2)");
  }

  @Test
  void sparkSettingsGivenWithSetWinOverThePropertiesFile() {
    RawConfig raw =
        RawConfig.resolve(
            Map.of("volume.root", "/x", "spark.sql.shuffle.partitions", "3"),
            Map.of(),
            Map.of(
                "spark.sql.shuffle.partitions",
                "5",
                "spark.hadoop.fs.s3a.endpoint",
                "http://127.0.0.1:9000"));

    assertThat(raw.problems()).isEmpty();
    assertThat(LakestreamConfig.from(raw).sparkSettings())
        .containsOnly(
            Map.entry("spark.sql.shuffle.partitions", "5"),
            Map.entry("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000"));
  }

  @Test
  void sparkSettingsInThePropertiesFileAreKeptApart() {
    RawConfig raw =
        RawConfig.resolve(
            Map.of("volume.root", "/x", "spark.sql.shuffle.partitions", "3"), Map.of(), Map.of());

    assertThat(raw.problems()).isEmpty();
    assertThat(LakestreamConfig.from(raw).sparkSettings())
        .containsExactly(Map.entry("spark.sql.shuffle.partitions", "3"));
  }

  @Test
  void continuousTriggerIsRefusedWithEveryFeatureItCannotRun() {
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "trigger", "continuous:1s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "trigger = 'continuous:1s' (from --set) is not allowed: continuous:1s cannot run this pipeline:")
        .hasMessageContaining(
            "source files (bronze_events reads the landing folder): continuous reads only Kafka and rate sources")
        .hasMessageContaining("operation windowed and global aggregation")
        .hasMessageContaining("output mode complete: continuous supports append only")
        .hasMessageContaining(
            "sink Delta through foreachBatch (every table): continuous writes only to Kafka, memory and console")
        .hasMessageContaining("Use availableNow, or processingTime:<interval> for low latency");
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of(
                        "volume.root",
                        "/x",
                        "trigger",
                        "continuous:1s",
                        "pipeline.stop_after",
                        "bronze")))
        .hasMessageNotContaining("aggregation")
        .hasMessageContaining("source files");
  }

  @Test
  void archiveModeAndFaultPointAreChoices() {
    assertThat(loadCli(Map.of("volume.root", "/x")).archiveMode()).isEqualTo(ArchiveMode.MOVE);
    assertThat(loadCli(Map.of("volume.root", "/x")).haltAt()).isEqualTo(HaltAt.OFF);
    assertThat(loadCli(Map.of("volume.root", "/x", "archive.mode", "Delete")).archiveMode())
        .isEqualTo(ArchiveMode.DELETE);
    assertThat(loadCli(Map.of("volume.root", "/x", "fault.halt_at", "Before_Move@12")).haltAt())
        .isEqualTo(new HaltAt(FaultPoint.BEFORE_MOVE, java.util.OptionalLong.of(12)));
    assertThat(loadCli(Map.of("volume.root", "/x", "fault.halt_at", "taking_over_lock")).haltAt())
        .isEqualTo(new HaltAt(FaultPoint.TAKING_OVER_LOCK, java.util.OptionalLong.empty()));
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "fault.halt_at", "taking_over_lock@1")))
        .hasMessageContaining("fault.halt_at = 'taking_over_lock@1'")
        .hasMessageContaining(
            "only a point inside a batch takes @<batch id>, a whole number: [after_commit,"
                + " after_contract_recorded, before_move, between_copy_and_delete, between_moves]");
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "fault.halt_at", "before_move@")))
        .hasMessageContaining("fault.halt_at = 'before_move@'");
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "fault.halt_at", "nowhere@1")))
        .hasMessageContaining("fault.halt_at = 'nowhere@1'")
        .hasMessageContaining("unknown value");
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "archive.mode", "copy")))
        .hasMessageContaining(
            "archive.mode = 'copy' (from --set) is not allowed: unknown value. Allowed: move | delete | off | spark.");
  }

  @Test
  void maintenanceDefaultsBecomeTablePropertiesAndUnsafeRetentionsAreRefused() {
    MaintenanceSettings defaults = loadCli(Map.of("volume.root", "/x")).maintenance();
    assertThat(defaults.tableProperties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "delta.autoOptimize.autoCompact", "true",
                "delta.checkpointInterval", "50",
                "delta.logRetentionDuration", "interval 30 days",
                "delta.deletedFileRetentionDuration", "interval 7 days",
                "delta.setTransactionRetentionDuration", "interval 30 days"));
    assertThat(defaults.interval()).isEmpty();
    assertThat(defaults.archiveRetention()).isEmpty();
    assertThat(defaults.progressRetention()).contains(java.time.Duration.ofDays(30));
    MaintenanceSettings tuned =
        loadCli(
                Map.of(
                    "volume.root",
                    "/x",
                    "maintain.file_retention",
                    "36h",
                    "maintain.interval",
                    "90min",
                    "maintain.progress_retention",
                    "off",
                    "maintain.checkpoint_interval",
                    "10"))
            .maintenance();
    assertThat(tuned.tableProperties())
        .containsEntry("delta.deletedFileRetentionDuration", "interval 36 hours")
        .containsEntry("delta.checkpointInterval", "10");
    assertThat(tuned.interval()).contains(java.time.Duration.ofMinutes(90));
    assertThat(tuned.progressRetention()).isEmpty();

    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "maintain.transaction_retention", "7d")))
        .hasMessageContaining(
            "maintain.transaction_retention = '7d' (from --set) is not allowed: shorter than maintain.log_retention (30d)");
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "maintain.interval", "10s")))
        .hasMessageContaining(
            "maintain.interval = '10s' (from --set) is not allowed: shorter than 1min");
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "maintain.log_retention", "2h")))
        .hasMessageContaining(
            "maintain.log_retention = '2h' (from --set) is not allowed: shorter than 1d");
    assertThatThrownBy(
            () ->
                loadCli(
                    Map.of("volume.root", "/x", "archive.retention", "30d", "archive.mode", "off")))
        .hasMessageContaining(
            "archive.retention = '30d' (from --set) is not allowed: there is no archive to clean unless archive.mode=move");
    assertThatThrownBy(() -> loadCli(Map.of("volume.root", "/x", "maintain.interval", "sometimes")))
        .hasMessageContaining("maintain.interval = 'sometimes' (from --set) is not allowed")
        .hasMessageContaining("Allowed: off | a whole number with a unit");
    assertThatThrownBy(
            () -> loadCli(Map.of("volume.root", "/x", "maintain.checkpoint_interval", "0")))
        .hasMessageContaining("maintain.checkpoint_interval = '0' (from --set) is not allowed")
        .hasMessageContaining("Allowed: a positive whole number");
  }
}

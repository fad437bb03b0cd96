package io.lakestream.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every configuration key lakestream understands, declared once with its default and rule. */
public final class ConfigKeys {

  /**
   * Spark conf entries with this prefix set lakestream keys: {@code --conf
   * spark.lakestream.trigger=...}.
   */
  public static final String SPARK_CONF_PREFIX = "spark.lakestream.";

  /**
   * Not a key: the Spark conf entry that names the properties file when no {@code --config} is
   * given.
   */
  public static final String SPARK_CONF_PROPERTIES_FILE = SPARK_CONF_PREFIX + "config";

  /**
   * The contract of sample-data's events and the generator's, as conf/local.properties states it.
   */
  public static final String SAMPLE_EVENT_SCHEMA =
      "event_id STRING, user_id STRING, event_type STRING, event_time TIMESTAMP, page STRING, device STRING,"
          + " amount DOUBLE";

  public static final ConfigKey APP_NAME =
      ConfigKey.withDefault(
          "app.name", "lakestream", "a non-empty name", "Spark application name.");

  public static final ConfigKey MASTER =
      ConfigKey.optional(
          "master",
          "a Spark master URL, e.g. local[*]",
          "Spark master for runs started outside spark-submit (local development). Ignored when"
              + " spark-submit or Databricks has already set spark.master.");

  public static final ConfigKey VOLUME_ROOT =
      ConfigKey.optional(
          "volume.root",
          "a directory path or URI (local, hdfs://, s3a://, abfss://, /Volumes/...)",
          "Root folder of the volume. Required in local catalog mode; in unity mode it defaults to"
              + " /Volumes/<catalog.name>/<catalog.schema>/<catalog.volume>.");

  public static final ConfigKey LANDING_DIR =
      ConfigKey.optional(
          "volume.landing",
          "a directory path or URI",
          "Where JSON files arrive. Default <volume.root>/landing.");

  public static final ConfigKey ARCHIVE_DIR =
      ConfigKey.optional(
          "volume.archive",
          "a directory path or URI outside volume.landing",
          "Where ingested files are archived. Default <volume.root>/archive.");

  public static final ConfigKey CHECKPOINTS_DIR =
      ConfigKey.optional(
          "volume.checkpoints",
          "a directory path or URI outside volume.landing",
          "Streaming checkpoints, one sub-folder per query. Default <volume.root>/checkpoints.");

  public static final ConfigKey TABLES_DIR =
      ConfigKey.optional(
          "volume.tables",
          "a directory path or URI outside volume.landing",
          "Delta tables in local catalog mode, one folder per table. Default <volume.root>/tables.");

  public static final ConfigKey CATALOG_MODE =
      ConfigKey.withDefault(
          "catalog.mode",
          "local",
          "local | unity",
          "local: tables are Delta folders under volume.tables, registered in the session catalog."
              + " unity: Unity Catalog (Databricks) managed tables, schema and volume created by name.");

  public static final ConfigKey CATALOG_NAME =
      ConfigKey.optional(
          "catalog.name",
          "a catalog identifier",
          "Unity Catalog catalog. Required when catalog.mode=unity, refused when catalog.mode=local.");

  public static final ConfigKey CATALOG_SCHEMA =
      ConfigKey.withDefault(
          "catalog.schema",
          "streaming_workspace",
          "an identifier",
          "Schema (database) holding the tables.");

  public static final ConfigKey CATALOG_VOLUME =
      ConfigKey.optional(
          "catalog.volume",
          "an identifier",
          "Unity Catalog volume name. Required when catalog.mode=unity, refused when catalog.mode=local.");

  public static final ConfigKey INGEST_SCHEMA =
      ConfigKey.withDefault(
          "ingest.schema",
          "infer",
          "a Spark DDL list of columns of atomic types, e.g. 'event_id STRING, event_time TIMESTAMP', or infer",
          "Schema of the JSON events. infer (the default when unset): inferred once from the first files in landing"
              + " (up to 1,000 files or 50 MB), stored beside bronze's checkpoint and read from there by every later run;"
              + " with it the default ingest.schema_evolution is add_new_columns. Inferred or not, the fields the"
              + " pipeline computes on keep their types whatever the data says (a value that does not fit is"
              + " quarantined as type_mismatch): event_id, user_id, event_type STRING, event_time TIMESTAMP, amount"
              + " DOUBLE (any numeric type in an explicit schema or a hint). conf/local.properties gives the"
              + " sample data's contract. Column names starting with _ are reserved for lakestream's own"
              + " columns. See Changing the event contract.");

  public static final ConfigKey SCHEMA_HINTS =
      ConfigKey.optional(
          "ingest.schema_hints",
          "a Spark DDL list of columns of atomic types, e.g. 'amount DECIMAL(10,2), page STRING'",
          "With ingest.schema=infer: these columns get these types whatever the sampled data says (added if the"
              + " sample lacks them), like Auto Loader's cloudFiles.schemaHints. The pipeline's fields are built-in hints"
              + " (see ingest.schema); of them, only amount may be given another (numeric) type.");

  public static final ConfigKey INGEST_FORMAT =
      ConfigKey.withDefault(
          "ingest.format",
          "json_lines",
          "json_lines | json",
          "How a landing file holds its records: json_lines, one JSON object per line; json, JSON values"
              + " (one object, an array of objects, or objects one after another, each possibly over many lines),"
              + " every object one record, as Auto Loader's multiLine. A json file is read as a stream: a record"
              + " longer than ingest.max_record_size is record_too_large, and a file that stops being JSON keeps"
              + " its records before that point (the rest is one malformed_json record).");

  public static final ConfigKey INGEST_START =
      ConfigKey.withDefault(
          "ingest.start",
          "all",
          "all | new",
          "Which files a new bronze checkpoint reads, as Auto Loader's includeExistingFiles: all, every file in"
              + " landing; new, only files modified after the newest file already in landing at the checkpoint's"
              + " first start (those are left unread, never archived, and counted in the run summary). Decided"
              + " once, at that first start: a restart or a later change of this key does not move it. Not with"
              + " archive.mode=spark, which would archive the files left unread.");

  public static final ConfigKey INGEST_NESTED =
      ConfigKey.withDefault(
          "ingest.nested",
          "string",
          "string | variant",
          "What a JSON object or array in an event becomes: string, a STRING column holding its JSON text;"
              + " variant, a VARIANT column of bronze and silver (queried with variant_get, e.g."
              + " variant_get(ctx, '$.os', 'string')), for a field ingest.schema declares VARIANT, STRUCT, ARRAY or"
              + " MAP, one ingest.schema=infer finds holding objects or arrays, and one add_new_columns adds.");

  public static final ConfigKey INFER_DECIMALS =
      ConfigKey.withDefault(
          "ingest.infer_decimals",
          "false",
          "true | false",
          "With ingest.schema=infer: a field whose sampled numbers all have a fraction and fit a DECIMAL"
              + " becomes DECIMAL(p,s) instead of DOUBLE (Spark's and Auto Loader's prefersDecimal).");

  public static final ConfigKey INFER_TIMESTAMPS =
      ConfigKey.withDefault(
          "ingest.infer_timestamps",
          "false",
          "true | false",
          "With ingest.schema=infer: a field whose sampled strings all read as timestamps becomes TIMESTAMP"
              + " instead of STRING (Spark's and Auto Loader's inferTimestamp).");

  public static final ConfigKey PATH_GLOB =
      ConfigKey.optional(
          "ingest.path_glob",
          "a glob on file names, such as *.json or events-*.json.gz",
          "Only files whose name matches are read (Spark's pathGlobFilter, as Auto Loader's"
              + " pathGlobFilter); the others stay in landing, are never archived, and are counted in the run"
              + " summary.");

  public static final ConfigKey PARTITION_COLUMNS =
      ConfigKey.optional(
          "ingest.partition_columns",
          "column names, comma-separated, such as date,hour",
          "Hive-style key=value folders under landing read into these columns of bronze and silver"
              + " (as Auto Loader's partitionColumns): typed as ingest.schema declares them, else STRING;"
              + " a file outside that layout keeps the record's own field of that name, or null.");

  public static final ConfigKey MAX_FILES_PER_TRIGGER =
      ConfigKey.optional(
          "ingest.max_files_per_trigger",
          "a positive whole number",
          "Most files read per micro-batch (Spark's maxFilesPerTrigger; Spark's default is 1000)."
              + " Not together with ingest.max_bytes_per_trigger.");

  public static final ConfigKey MAX_BYTES_PER_TRIGGER =
      ConfigKey.optional(
          "ingest.max_bytes_per_trigger",
          "a size such as 512k, 128m, 1g",
          "Soft limit of bytes read per micro-batch (Spark's maxBytesPerTrigger)."
              + " Not together with ingest.max_files_per_trigger.");

  public static final ConfigKey MAX_RECORD_SIZE =
      ConfigKey.withDefault(
          "ingest.max_record_size",
          "1m",
          "a size such as 64k, 1m",
          "Longest record accepted (a line, or a json file's object); a longer one is not parsed and is reported as"
              + " record_too_large.");

  public static final ConfigKey SCHEMA_EVOLUTION =
      ConfigKey.withDefault(
          "ingest.schema_evolution",
          "rescue",
          "add_new_columns | rescue | fail_on_new_columns | none",
          "A field not in ingest.schema: add_new_columns adds it to the contract as a nullable column (the batch that"
              + " first carries it keeps it in _rescued_data, later batches have it typed; the queries restart by"
              + " themselves); rescue keeps it in _rescued_data; fail_on_new_columns stops the bronze query"
              + " before writing the batch, naming the field, its first file and the batch (add it to ingest.schema"
              + " and run again); none ignores it. The default is add_new_columns when the contract is inferred"
              + " (ingest.schema=infer). See Changing the event contract.");

  public static final ConfigKey ALLOW_OVERWRITES =
      ConfigKey.withDefault(
          "ingest.allow_overwrites",
          "false",
          "true | false",
          "A file landing again under a name already ingested and archived is always logged and counted in"
              + " files_reappeared; true also ingests it again, whole, when its size differs from the archived"
              + " file's or it was modified after that file was archived (as Auto Loader's"
              + " cloudFiles.allowOverwrites). It is renamed in place to <name>~<modified millis>.<ext> first, as"
              + " Spark's file source never reads a path twice. Needs archive.mode move or delete.");

  public static final ConfigKey MAX_FILE_AGE =
      ConfigKey.withDefault(
          "ingest.max_file_age",
          "7d",
          Durations.ALLOWED,
          "How long a file read is remembered, counted back from the newest read file's modification time"
              + " (Spark's maxFileAge): a file landing again under a name remembered is not read again (see"
              + " ingest.allow_overwrites), one under a name older than that is read again. Bounds the driver's"
              + " memory of read files. With archive.mode move or delete, a new file whose modification time is"
              + " older than the window (one Spark's file source would skip) gets the current time and is read.");

  public static final ConfigKey SOURCE_LOG_MAX_SIZE =
      ConfigKey.withDefault(
          "ingest.source_log_max_size",
          "64m",
          "a size such as 64m, 1g, or off",
          "Bound on bronze's file-source log (Spark's sources/0 in the checkpoint, which lists every file ever"
              + " read, is rewritten every tenth batch and read back at each start): once over it, bronze goes on"
              + " with a new log at its next start (a long run restarts its queries for it), when every file"
              + " the old log lists has left landing. A file back under a name read before that is then read"
              + " again. Needs archive.mode move or delete; off keeps one log for ever, as Spark does.");

  public static final ConfigKey RESCUE_UNKNOWN_FIELDS =
      ConfigKey.withDefault(
          "ingest.rescue_unknown_fields",
          "true",
          "true | false",
          "Keep fields that are not in ingest.schema as a JSON object in _rescued_data (as Databricks Auto"
              + " Loader does) instead of ignoring them; false is ingest.schema_evolution=none.");

  public static final ConfigKey TRIGGER =
      ConfigKey.withDefault(
          "trigger",
          "availableNow",
          "availableNow | processingTime:<interval> (e.g. processingTime:10s) | once",
          "availableNow drains the landing folder and exits; processingTime runs until stopped;"
              + " once is deprecated by Spark and runs as availableNow. continuous:<interval> is refused at"
              + " start-up: Spark's continuous processing cannot read files (see the trigger matrix).");

  public static final ConfigKey REQUIRED_FIELDS =
      ConfigKey.withDefault(
          "quality.required_fields",
          "event_id, user_id, event_type, event_time",
          "a comma-separated list of ingest.schema columns; must include event_id, user_id, event_type and event_time",
          "A record missing one of these (null or blank) is quarantined as missing_required_field.");

  public static final ConfigKey QUALITY_ENABLED =
      ConfigKey.withDefault(
          "quality.enabled",
          "true",
          "true | false",
          "false skips the quality rules and the quarantine table (a benchmark and diagnosis switch): lines that"
              + " do not parse still keep their reason in bronze_events and never reach silver, and"
              + " audit_batches.rows_quarantined is 0.");

  public static final ConfigKey MAX_FUTURE_SKEW =
      ConfigKey.withDefault(
          "quality.max_future_skew",
          "10min",
          Durations.ALLOWED,
          "An event_time further than this ahead of the ingestion clock is quarantined as"
              + " event_time_too_far_in_future, before any watermark sees it.");

  public static final ConfigKey WATERMARK_DELAY =
      ConfigKey.withDefault(
          "watermark.delay",
          "10min",
          Durations.ALLOWED,
          "How late an event may arrive: the watermark trails the latest event_time seen by this much. Older"
              + " events are counted as late and not aggregated.");

  public static final ConfigKey DEDUP_HORIZON =
      ConfigKey.withDefault(
          "dedup.horizon",
          "24h",
          Durations.ALLOWED,
          "How long silver remembers an event_id: the watermark of the deduplication. A copy arriving within it"
              + " is dropped as a duplicate; an event older than it is dropped as late and counted.");

  public static final ConfigKey WINDOW_SIZE =
      ConfigKey.withDefault(
          "windows.size", "5min", Durations.ALLOWED, "Length of the gold_event_counts windows.");

  public static final ConfigKey WINDOW_SLIDE =
      ConfigKey.optional(
          "windows.slide",
          Durations.ALLOWED + ", at most windows.size",
          "Slide of the gold_event_counts windows; unset for tumbling windows.");

  public static final ConfigKey SESSION_GAP =
      ConfigKey.withDefault(
          "sessions.gap",
          "30min",
          Durations.ALLOWED,
          "Inactivity that closes a user's session in gold_user_sessions.");

  public static final ConfigKey EVENT_COUNTS_OUTPUT_MODE =
      ConfigKey.withDefault(
          "gold.event_counts.output_mode",
          "append",
          "append | update",
          "append: each window written once, final, after the watermark passes its end. update: changed windows"
              + " upserted (MERGE) every batch. complete is refused: it would keep every window in state for"
              + " ever.");

  public static final ConfigKey TYPE_TOTALS_OUTPUT_MODE =
      ConfigKey.withDefault(
          "gold.type_totals.output_mode",
          "complete",
          "complete | update",
          "complete: gold_event_type_totals replaced every batch. update: changed totals upserted (MERGE)."
              + " append is refused: a total over all time is never final.");

  public static final ConfigKey ENRICH_ENABLED =
      ConfigKey.withDefault(
          "enrich.enabled",
          "false",
          "true | false",
          "true joins each silver event (LEFT, on the normalized user_id) with the users reference table"
              + " (enrich.users.table) and adds enrich.users.columns to silver_events (see Enrichment);"
              + " conf/local.properties sets it.");

  public static final ConfigKey ENRICH_USERS_TABLE =
      ConfigKey.withDefault(
          "enrich.users.table",
          EnrichSettings.DEFAULT_TABLE,
          "a table name (in catalog.schema unless qualified, e.g. main.crm.users) or a Delta folder path or URI",
          "The users reference table: user_id (key), updated_at, and the columns to add. Read at its latest"
              + " version by every silver batch; its columns are checked at start-up.");

  public static final ConfigKey ENRICH_USERS_COLUMNS =
      ConfigKey.withDefault(
          "enrich.users.columns",
          "country, plan",
          "a comma-separated list of the reference table's column names, none a silver_events column",
          "Reference columns added to silver_events (null for a user the table does not hold).");

  public static final ConfigKey ENRICH_USERS_SEED =
      ConfigKey.optional(
          "enrich.users.seed",
          "a JSON-lines file path or URI",
          "Loaded into enrich.users.table by the set-up when that table does not exist yet (columns user_id,"
              + " country, plan, signup_date, updated_at). Without it a missing table stops the run at start-up.");

  public static final ConfigKey SILVER_SINK = sink("silver_events");
  public static final ConfigKey EVENT_COUNTS_SINK = sink("gold_event_counts");
  public static final ConfigKey TYPE_TOTALS_SINK = sink("gold_event_type_totals");
  public static final ConfigKey SESSIONS_SINK = sink("gold_user_sessions");

  public static final ConfigKey STATE_STORE =
      ConfigKey.withDefault(
          "state.store",
          "rocksdb",
          "rocksdb | hdfs",
          "State store of the stateful queries: RocksDB (off-heap, scales) or Spark's in-memory HDFS-backed one.");

  public static final ConfigKey STATE_PARTITIONS =
      ConfigKey.withDefault(
          "state.partitions",
          "auto",
          "auto | a positive whole number",
          "Shuffle partitions (spark.sql.shuffle.partitions) of the stateful queries. auto: the session's"
              + " default parallelism (its cores: 2 under local[2]; a cluster's executor cores), at most"
              + " Spark's 200. Fixed in a query's checkpoint when it is created; later changes do not apply"
              + " to it. Set for their start only, so the session's own spark.sql.shuffle.partitions stays"
              + " as given for everything else.");

  public static final ConfigKey STOP_AFTER =
      ConfigKey.withDefault(
          "pipeline.stop_after",
          "gold",
          "bronze | silver | gold",
          "The last layer this run feeds: bronze runs ingest alone, silver adds the cleansed layer, gold runs"
              + " everything.");

  public static final ConfigKey ARCHIVE_MODE =
      ConfigKey.withDefault(
          "archive.mode",
          "move",
          "move | delete | off | spark",
          "What happens to a landing file once its rows are committed to bronze_events: move (to"
              + " volume.archive, sub-folders kept, logged in archive_log), delete (logged too), off (left in"
              + " place), spark (Spark's cleanSource=archive: best effort, one batch later, not logged).");

  public static final ConfigKey ARCHIVE_RETENTION =
      ConfigKey.withDefault(
          "archive.retention",
          "off",
          "off | " + Durations.ALLOWED,
          "Archived files (archive.mode=move) older than this are deleted by maintenance (the maintain command, or"
              + " maintain.interval in a long run), as Auto Loader's cleanSource.retentionDuration does; off keeps them. See Keeping a long run"
              + " lean.");

  public static final ConfigKey AUTO_COMPACT =
      ConfigKey.withDefault(
          "maintain.auto_compact",
          "true",
          "true | false",
          "Delta auto compaction on every table (delta.autoOptimize.autoCompact): the writer compacts small files right"
              + " after its commit (on a table's first write in each JVM, then at 50 small files). A draining run"
              + " (availableNow) switches it off in its session; its tables are compacted by the maintain command.");

  public static final ConfigKey CHECKPOINT_INTERVAL =
      ConfigKey.withDefault(
          "maintain.checkpoint_interval",
          "50",
          "a positive whole number",
          "Commits between two checkpoints of each table's Delta log (delta.checkpointInterval; Delta's own default is"
              + " 10). Writing one rebuilds the table's state, seconds on a small machine: at 10 the checkpoints took"
              + " 42 % of bronze's write time in a long run. Loading a table replays at most this many commits after"
              + " its last checkpoint, and Delta cleans expired log entries when it writes one.");

  public static final ConfigKey LOG_RETENTION =
      ConfigKey.withDefault(
          "maintain.log_retention",
          "30d",
          Durations.ALLOWED + ", at least 1d and at least maintain.file_retention",
          "History each table's Delta log keeps (delta.logRetentionDuration). A layer not run for longer than this"
              + " cannot read on where it stopped: the run stops before starting it (exit 4) and names the way out,"
              + " lakestream rebuild.");

  public static final ConfigKey FILE_RETENTION =
      ConfigKey.withDefault(
          "maintain.file_retention",
          "7d",
          Durations.ALLOWED,
          "How long a file a commit removed stays before VACUUM deletes it (delta.deletedFileRetentionDuration):"
              + " time travel reaches back this far. A layer not run for longer may need files a VACUUM deleted: the run"
              + " then stops before starting it (exit 4), as for maintain.log_retention.");

  public static final ConfigKey TRANSACTION_RETENTION =
      ConfigKey.withDefault(
          "maintain.transaction_retention",
          "30d",
          Durations.ALLOWED + ", at least maintain.log_retention",
          "How long a writer's idempotency id stays in a table's log after its last write"
              + " (delta.setTransactionRetentionDuration); unset in Delta, the ids of old queries accumulate for ever.");

  public static final ConfigKey PROGRESS_RETENTION =
      ConfigKey.withDefault(
          "maintain.progress_retention",
          "30d",
          "off | " + Durations.ALLOWED,
          "pipeline_progress and audit_batches rows older than this are deleted by maintenance; off keeps them.");

  public static final ConfigKey MAINTAIN_INTERVAL =
      ConfigKey.withDefault(
          "maintain.interval",
          "off",
          "off | " + Durations.ALLOWED + ", at least 1min",
          "In a processingTime run: every this long, a background thread vacuums every table and applies"
              + " maintain.progress_retention and archive.retention (compaction is auto compaction's, in the writers)."
              + " The maintain command does the same and also OPTIMIZEs, between runs.");

  public static final ConfigKey FAULT_HALT_AT =
      ConfigKey.withDefault(
          "fault.halt_at",
          "off",
          "off | after_commit | before_move | between_moves | between_copy_and_delete |"
              + " taking_over_lock | after_contract_recorded | before_widening | after_widening;"
              + " a point inside a batch may name one: before_move@2",
          "Crash tests only: halt the JVM at this point of a bronze batch (of any batch, or of the"
              + " one named), of taking over the run lock, or of the restart over a grown contract."
              + " Never set it in a real run.");

  public static final ConfigKey FAULT_HALT_WRITING =
      ConfigKey.optional(
          "fault.halt_writing",
          "the name of one of lakestream's state files, e.g. 0.plan",
          "Crash tests only: halt the JVM half-way through writing the first state file of this name, as a"
              + " kill at that instant would. Never set it in a real run.");

  /**
   * Expectations are a family of keys: {@code quality.expect.<name> = <warn|drop|fail>: <SQL
   * predicate>}.
   */
  public static final String EXPECTATION_PREFIX = "quality.expect.";

  /**
   * Not a key of {@link #ALL}: the family of expectation keys, {@code quality.expect.<name>}, as
   * {@code --help} and the README document it.
   */
  public static final ConfigKey EXPECTATION =
      ConfigKey.optional(
          EXPECTATION_PREFIX + "<name>",
          "<warn|drop|fail>: <SQL predicate>, e.g. drop: amount IS NULL OR amount >= 0",
          "A data-quality expectation: warn keeps and counts, drop quarantines, fail stops the query. A"
              + " record meets it only if the predicate is true; the predicate must be a BOOLEAN condition"
              + " on ingest.schema columns, checked at start-up.");

  private static ConfigKey sink(String query) {
    return ConfigKey.withDefault(
        "sink." + query,
        "delta",
        "delta | console | memory",
        "Where query "
            + query
            + " writes: its Delta table, the console (debugging) or an in-memory table named"
            + " "
            + query
            + " (tests, interactive queries). Console and memory start from a fresh checkpoint each run;"
            + " the gold queries read silver_events from its Delta table, so sink.silver_events other"
            + " than delta needs pipeline.stop_after=silver.");
  }

  public static final List<ConfigKey> ALL =
      List.of(
          APP_NAME,
          MASTER,
          VOLUME_ROOT,
          LANDING_DIR,
          ARCHIVE_DIR,
          CHECKPOINTS_DIR,
          TABLES_DIR,
          CATALOG_MODE,
          CATALOG_NAME,
          CATALOG_SCHEMA,
          CATALOG_VOLUME,
          INGEST_SCHEMA,
          SCHEMA_HINTS,
          INGEST_FORMAT,
          INGEST_START,
          INGEST_NESTED,
          INFER_DECIMALS,
          INFER_TIMESTAMPS,
          PATH_GLOB,
          PARTITION_COLUMNS,
          MAX_FILES_PER_TRIGGER,
          MAX_BYTES_PER_TRIGGER,
          MAX_RECORD_SIZE,
          RESCUE_UNKNOWN_FIELDS,
          SCHEMA_EVOLUTION,
          ALLOW_OVERWRITES,
          MAX_FILE_AGE,
          SOURCE_LOG_MAX_SIZE,
          TRIGGER,
          REQUIRED_FIELDS,
          QUALITY_ENABLED,
          MAX_FUTURE_SKEW,
          WATERMARK_DELAY,
          DEDUP_HORIZON,
          WINDOW_SIZE,
          WINDOW_SLIDE,
          SESSION_GAP,
          EVENT_COUNTS_OUTPUT_MODE,
          TYPE_TOTALS_OUTPUT_MODE,
          ENRICH_ENABLED,
          ENRICH_USERS_TABLE,
          ENRICH_USERS_COLUMNS,
          ENRICH_USERS_SEED,
          SILVER_SINK,
          EVENT_COUNTS_SINK,
          TYPE_TOTALS_SINK,
          SESSIONS_SINK,
          STATE_STORE,
          STATE_PARTITIONS,
          STOP_AFTER,
          ARCHIVE_MODE,
          ARCHIVE_RETENTION,
          AUTO_COMPACT,
          CHECKPOINT_INTERVAL,
          LOG_RETENTION,
          FILE_RETENTION,
          TRANSACTION_RETENTION,
          PROGRESS_RETENTION,
          MAINTAIN_INTERVAL,
          FAULT_HALT_AT,
          FAULT_HALT_WRITING);

  private static final Map<String, ConfigKey> BY_NAME =
      ALL.stream().collect(Collectors.toUnmodifiableMap(ConfigKey::name, Function.identity()));

  private ConfigKeys() {}

  public static Optional<ConfigKey> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }
}

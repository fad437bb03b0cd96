package io.lakestream.table;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.lakestream.config.LakestreamConfig;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The output tables besides bronze, with their columns. The README documents each one's key and
 * rows.
 */
public final class Tables {

  public static final String SILVER_EVENTS = "silver_events";
  public static final String QUARANTINE_EVENTS = "quarantine_events";
  public static final String AUDIT_BATCHES = "audit_batches";
  public static final String ARCHIVE_LOG = "archive_log";
  public static final String PIPELINE_PROGRESS = "pipeline_progress";
  public static final String GOLD_EVENT_COUNTS = "gold_event_counts";
  public static final String GOLD_EVENT_TYPE_TOTALS = "gold_event_type_totals";
  public static final String GOLD_USER_SESSIONS = "gold_user_sessions";

  public static final String EVENT_DATE = "event_date";

  /** The tables that hold events or what the pipeline derives from them, layer by layer. */
  public static final List<String> EVENT_TABLES =
      List.of(
          BronzeTable.NAME,
          QUARANTINE_EVENTS,
          SILVER_EVENTS,
          GOLD_EVENT_COUNTS,
          GOLD_EVENT_TYPE_TOTALS,
          GOLD_USER_SESSIONS);

  /** The tables lakestream keeps about its own work. */
  public static final List<String> BOOKKEEPING_TABLES =
      List.of(AUDIT_BATCHES, ARCHIVE_LOG, PIPELINE_PROGRESS);

  private Tables() {}

  /** Valid, cleaned, deduplicated events, partitioned by {@code event_date}. Key: event_id. */
  public static TableDefinition silver(StructType eventSchema) {
    return silver(eventSchema, new StructType());
  }

  /** Silver with the columns enrichment adds (after lakestream's own), nullable. */
  public static TableDefinition silver(StructType eventSchema, StructType enrichment) {
    StructType schema =
        eventSchema
            .add(EVENT_DATE, DateType)
            .add(BronzeTable.RESCUED_DATA, StringType)
            .add(BronzeTable.SOURCE_FILE, StringType)
            .add(BronzeTable.INGESTED_AT, TimestampType);
    for (org.apache.spark.sql.types.StructField field : enrichment.fields()) {
      schema = schema.add(field.name(), field.dataType(), true);
    }
    // Statistics on the key, the pipeline's fields and the ingestion time, what queries on silver
    // filter by; min/max of every other text column (page, _source_file, _rescued_data, the
    // enrichment's) cost each write some 10 % of its time and would serve no query.
    return new TableDefinition(
            SILVER_EVENTS,
            schema,
            List.of(EVENT_DATE),
            TableDefinition.statisticsOnly(
                LakestreamConfig.EVENT_ID,
                LakestreamConfig.USER_ID,
                LakestreamConfig.EVENT_TYPE,
                LakestreamConfig.EVENT_TIME,
                BronzeTable.INGESTED_AT))
        .withProperties(TableDefinition.withoutDictionary(LakestreamConfig.EVENT_ID));
  }

  /**
   * Every record that cannot become a valid event, with why. No key: one row per rejected record.
   */
  public static TableDefinition quarantine() {
    StructType schema =
        new StructType()
            .add("reason", StringType)
            .add("detail", StringType)
            .add("event_id", StringType)
            .add("raw_record", StringType)
            .add("source_file", StringType)
            .add("ingested_at", TimestampType)
            .add("batch_id", LongType);
    // No statistics on the long texts (detail, raw_record, source_file).
    return new TableDefinition(
        QUARANTINE_EVENTS,
        schema,
        List.of(),
        TableDefinition.statisticsOnly("reason", "event_id", "ingested_at", "batch_id"));
  }

  /**
   * A batch's rejected rows are appended together, so a batch id in the table means all of that
   * batch's rows are: the key the outbox compares on (the table itself has none; equal rejected
   * lines are all kept).
   */
  public static final List<String> QUARANTINE_KEY = List.of("batch_id");

  /** One row per micro-batch per writing query. Key: (query, batch_id). */
  public static TableDefinition audit() {
    StructType schema =
        new StructType()
            .add("query", StringType)
            .add("batch_id", LongType)
            .add("rows_in", LongType)
            .add("rows_written", LongType)
            .add("rows_quarantined", LongType)
            .add("rows_warned", LongType)
            .add("files_archived", LongType)
            .add("archive_failures", LongType)
            .add("files_reappeared", LongType)
            .add("started_at", TimestampType)
            .add("duration_ms", LongType);
    return new TableDefinition(AUDIT_BATCHES, schema, List.of());
  }

  /** Where each ingested landing file went, and when. Key: (source, destination, action). */
  public static TableDefinition archiveLog() {
    StructType schema =
        new StructType()
            .add("source", StringType)
            .add("destination", StringType)
            .add("size_bytes", LongType)
            .add("action", StringType)
            .add("batch_id", LongType)
            .add("archived_at", TimestampType)
            .add("modified_at", TimestampType);
    return new TableDefinition(ARCHIVE_LOG, schema, List.of());
  }

  /**
   * One row per batch that ran, per query, from the queries' progress. Key: (query, run_id,
   * batch_id).
   */
  public static TableDefinition pipelineProgress() {
    StructType schema =
        new StructType()
            .add("query", StringType)
            .add("run_id", StringType)
            .add("batch_id", LongType)
            .add("timestamp", TimestampType)
            .add("rows_in", LongType)
            .add("input_rows_per_second", DoubleType)
            .add("processed_rows_per_second", DoubleType)
            .add("duration_ms", LongType)
            .add("add_batch_ms", LongType)
            .add("get_batch_ms", LongType)
            .add("latest_offset_ms", LongType)
            .add("query_planning_ms", LongType)
            .add("wal_commit_ms", LongType)
            .add("commit_offsets_ms", LongType)
            .add("state_rows", LongType)
            .add("state_memory_bytes", LongType)
            .add("late_rows_dropped", LongType)
            .add("rows_quarantined", LongType)
            .add("quarantined_by_reason", DataTypes.createMapType(StringType, LongType))
            .add("rows_rescued", LongType)
            .add("files_archived", LongType)
            .add("files_outstanding", LongType)
            .add("bytes_outstanding", LongType)
            .add("unmatched_enrichment", LongType)
            .add("progress_json", StringType);
    return new TableDefinition(PIPELINE_PROGRESS, schema, List.of());
  }

  /** Events per window and type. Key: (window_start, window_end, event_type). */
  public static TableDefinition eventCounts() {
    StructType schema =
        new StructType()
            .add("window_start", TimestampType)
            .add("window_end", TimestampType)
            .add("event_type", StringType)
            .add("event_count", LongType)
            .add("distinct_users", LongType)
            .add("total_amount", DoubleType);
    return new TableDefinition(GOLD_EVENT_COUNTS, schema, List.of());
  }

  public static final List<String> EVENT_COUNTS_KEY =
      List.of("window_start", "window_end", "event_type");

  /** Running totals per type. Key: event_type. */
  public static TableDefinition eventTypeTotals() {
    StructType schema =
        new StructType()
            .add("event_type", StringType)
            .add("event_count", LongType)
            .add("total_amount", DoubleType);
    return new TableDefinition(GOLD_EVENT_TYPE_TOTALS, schema, List.of());
  }

  public static final List<String> EVENT_TYPE_TOTALS_KEY = List.of("event_type");

  /** Closed sessions. Key: (user_id, session_start). */
  public static TableDefinition userSessions() {
    StructType schema =
        new StructType()
            .add("user_id", StringType)
            .add("session_start", TimestampType)
            .add("session_end", TimestampType)
            .add("event_count", LongType)
            .add("event_types", DataTypes.createArrayType(StringType))
            .add("total_amount", DoubleType);
    return new TableDefinition(GOLD_USER_SESSIONS, schema, List.of());
  }
}

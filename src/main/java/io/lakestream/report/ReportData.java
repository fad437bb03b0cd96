package io.lakestream.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.table.Tables;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The figures the report draws, read from the tables into one JSON document: per query and batch
 * the throughput, duration, state size and the files left waiting in landing ({@code
 * pipeline_progress}), rows per query ({@code audit_batches}), events per window and type ({@code
 * gold_event_counts}), quarantined records per reason.
 */
public final class ReportData {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportData() {}

  /** The tables the report reads. */
  public static final List<String> TABLES =
      List.of(
          Tables.PIPELINE_PROGRESS,
          Tables.AUDIT_BATCHES,
          Tables.GOLD_EVENT_COUNTS,
          Tables.QUARANTINE_EVENTS);

  /**
   * @param tables reads a table by name, empty if it does not exist; a missing table's charts stay
   *     empty and its name is listed under {@code missingTables}
   */
  public static ObjectNode read(
      SparkSession spark, Function<String, Optional<Dataset<Row>>> tables) {
    ObjectNode data = JSON.createObjectNode();
    ArrayNode missing = data.putArray("missingTables");
    Map<String, Dataset<Row>> read = new HashMap<>();
    for (String name : TABLES) {
      Optional<Dataset<Row>> found = tables.apply(name);
      if (found.isPresent()) {
        read.put(name, found.get());
      } else {
        missing.add(name);
      }
    }
    // A missing table reads as an empty one of the same columns, so every chart below has one code
    // path.
    Function<String, Dataset<Row>> table =
        name ->
            read.computeIfAbsent(
                name, absent -> spark.createDataFrame(List.of(), schemaOf(absent)));
    List<Row> progress =
        table
            .apply(Tables.PIPELINE_PROGRESS)
            .orderBy("query", "timestamp", "batch_id")
            .select(
                "query",
                "batch_id",
                "processed_rows_per_second",
                "duration_ms",
                "state_rows",
                "state_memory_bytes",
                "rows_in",
                "files_outstanding",
                "bytes_outstanding")
            .collectAsList();
    data.set("throughput", series(progress, 2));
    data.set("duration", series(progress, 3));
    data.set("stateRows", series(progress, 4));
    data.set("filesOutstanding", series(progress, 7));
    // The backlog as the last bronze batch left it (rows are ordered by time within a query).
    progress.stream()
        .filter(row -> !row.isNullAt(7))
        .reduce((earlier, later) -> later)
        .ifPresent(
            last ->
                data.putObject("backlog")
                    .put("query", last.getString(0))
                    .put("batch", last.getLong(1))
                    .put("files", last.getLong(7))
                    .put("bytes", last.getLong(8)));

    ObjectNode rowsByQuery = data.putObject("rowsByQuery");
    for (Row row :
        table
            .apply(Tables.AUDIT_BATCHES)
            .groupBy("query")
            .agg(sum("rows_written"), count("batch_id"))
            .orderBy("query")
            .collectAsList()) {
      rowsByQuery
          .putObject(row.getString(0))
          .put("rows", row.getLong(1))
          .put("batches", row.getLong(2));
    }

    List<Row> windows =
        table
            .apply(Tables.GOLD_EVENT_COUNTS)
            .groupBy(
                date_format(col("window_start"), "MM-dd HH:mm").as("window"), col("event_type"))
            .agg(sum("event_count"))
            .orderBy("window", "event_type")
            .collectAsList();
    ObjectNode eventsByWindow = data.putObject("eventsByWindow");
    ArrayNode labels = eventsByWindow.putArray("windows");
    ObjectNode byType = eventsByWindow.putObject("byType");
    windows.stream().map(row -> row.getString(0)).distinct().forEach(labels::add);
    for (Row row : windows) {
      ArrayNode counts = (ArrayNode) byType.get(row.getString(1));
      if (counts == null) {
        counts = byType.putArray(row.getString(1));
        for (int i = 0; i < labels.size(); i++) {
          counts.add(0);
        }
      }
      int index = indexOf(labels, row.getString(0));
      counts.set(index, JSON.getNodeFactory().numberNode(row.getLong(2)));
    }

    ObjectNode reasons = data.putObject("quarantineReasons");
    for (Row row :
        table
            .apply(Tables.QUARANTINE_EVENTS)
            .groupBy("reason")
            .count()
            .orderBy("reason")
            .collectAsList()) {
      reasons.put(row.getString(0), row.getLong(1));
    }
    return data;
  }

  private static StructType schemaOf(String table) {
    return switch (table) {
      case Tables.PIPELINE_PROGRESS -> Tables.pipelineProgress().schema();
      case Tables.AUDIT_BATCHES -> Tables.audit().schema();
      case Tables.GOLD_EVENT_COUNTS -> Tables.eventCounts().schema();
      case Tables.QUARANTINE_EVENTS -> Tables.quarantine().schema();
      default -> throw new IllegalArgumentException(table);
    };
  }

  /**
   * {query: [{x: batch id, y: value}, ...]} for one progress column, skipping batches without a
   * value.
   */
  private static ObjectNode series(List<Row> progress, int column) {
    ObjectNode byQuery = JSON.createObjectNode();
    for (Row row : progress) {
      if (row.isNullAt(column)) {
        continue;
      }
      ArrayNode points =
          byQuery.has(row.getString(0))
              ? (ArrayNode) byQuery.get(row.getString(0))
              : byQuery.putArray(row.getString(0));
      ObjectNode point = points.addObject().put("x", row.getLong(1));
      Object value = row.get(column);
      if (value instanceof Double d) {
        point.put("y", Math.round(d * 10) / 10.0);
      } else {
        point.put("y", ((Number) value).longValue());
      }
    }
    return byQuery;
  }

  private static int indexOf(ArrayNode labels, String label) {
    for (int i = 0; i < labels.size(); i++) {
      if (labels.get(i).asText().equals(label)) {
        return i;
      }
    }
    throw new IllegalStateException(label);
  }
}

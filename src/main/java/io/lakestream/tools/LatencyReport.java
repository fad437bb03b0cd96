package io.lakestream.tools;

import static org.apache.spark.sql.functions.col;

import io.lakestream.app.SparkSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * For {@code scripts/bench-latency.sh}: from the arrival time of each dropped file and the tables
 * of the run, the time until the end of the micro-batch that carried the file into each table.
 * Bronze: the batch that read the file ({@code bronze_events._batch_id}); each later layer: its
 * first batch with input that started after the upstream batch had ended. Prints p50 and p95 per
 * table.
 *
 * <p>Usage: {@code LatencyReport <volume root> <arrivals file: "file-name epoch-millis" per line>}.
 */
public final class LatencyReport {

  private static final List<String> DOWNSTREAM =
      List.of("silver_events", "gold_event_counts", "gold_event_type_totals", "gold_user_sessions");

  private LatencyReport() {}

  /** A batch of one query: when it started and ended, epoch millis, and whether it had input. */
  private record Batch(long start, long end, long rowsIn) {}

  public static void main(String[] args) throws Exception {
    String root = args[0];
    Map<String, Long> arrivals = new HashMap<>();
    for (String line : Files.readAllLines(Path.of(args[1]))) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2) {
        arrivals.put(parts[0], Long.parseLong(parts[1]));
      }
    }
    SparkSession spark = SparkSessions.forReading("lakestream-latency");
    Map<String, Map<Long, Batch>> batches = new HashMap<>();
    for (Row row :
        spark
            .read()
            .format("delta")
            .load(root + "/tables/pipeline_progress")
            .select("query", "batch_id", "timestamp", "duration_ms", "rows_in")
            .collectAsList()) {
      long start = row.getTimestamp(2).getTime();
      batches
          .computeIfAbsent(row.getString(0), q -> new HashMap<>())
          .put(
              row.getLong(1),
              new Batch(start, start + row.getLong(3), row.isNullAt(4) ? 0 : row.getLong(4)));
    }
    Map<String, List<Long>> latencies = new HashMap<>();
    for (Row row :
        spark
            .read()
            .format("delta")
            .load(root + "/tables/bronze_events")
            .select(col("_source_file"), col("_batch_id"))
            .distinct()
            .collectAsList()) {
      String name = row.getString(0).substring(row.getString(0).lastIndexOf('/') + 1);
      Long arrived = arrivals.get(name);
      Batch bronze = batches.getOrDefault("bronze_events", Map.of()).get(row.getLong(1));
      if (arrived == null || bronze == null) {
        continue;
      }
      latencies
          .computeIfAbsent("bronze_events", q -> new ArrayList<>())
          .add(bronze.end() - arrived);
      long upstreamEnd = bronze.end();
      for (String query : DOWNSTREAM) {
        long after = query.equals("silver_events") ? bronze.end() : upstreamEnd;
        Batch next =
            batches.getOrDefault(query, Map.of()).values().stream()
                .filter(b -> b.rowsIn() > 0 && b.start() >= after - 5)
                .min((a, b) -> Long.compare(a.start(), b.start()))
                .orElse(null);
        if (next == null) {
          continue;
        }
        latencies.computeIfAbsent(query, q -> new ArrayList<>()).add(next.end() - arrived);
        if (query.equals("silver_events")) {
          upstreamEnd = next.end();
        }
      }
    }
    System.out.printf(Locale.ROOT, "%-24s %6s %8s %8s%n", "table", "files", "p50", "p95");
    for (String query :
        List.of(
            "bronze_events",
            "silver_events",
            "gold_event_counts",
            "gold_event_type_totals",
            "gold_user_sessions")) {
      List<Long> values = latencies.getOrDefault(query, List.of()).stream().sorted().toList();
      if (values.isEmpty()) {
        System.out.printf(Locale.ROOT, "%-24s %6d %8s %8s%n", query, 0, "-", "-");
        continue;
      }
      System.out.printf(
          Locale.ROOT,
          "%-24s %6d %7.1fs %7.1fs%n",
          query,
          values.size(),
          percentile(values, 50) / 1000.0,
          percentile(values, 95) / 1000.0);
    }
    spark.stop();
  }

  private static long percentile(List<Long> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}

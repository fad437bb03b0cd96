package io.lakestream.tools;

import static org.apache.spark.sql.functions.col;

import io.lakestream.app.SparkSessions;
import io.lakestream.config.ByteSizes;
import io.lakestream.maintain.Maintenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * For {@code scripts/bench-soak.sh}: whether a long run's cost stays flat. Per query, the median
 * batch time of its first and last {@value #WINDOW} batches with input (a quarter of them each in a
 * shorter run; from pipeline_progress); per table, its active files (the current version's) and the
 * files and bytes in its folder and its Delta log; the checkpoints' size; the driver's heap the
 * script measured.
 *
 * <p>Usage: {@code SoakReport <volume root> <heap used KB after 100 files> <heap used KB at the
 * end>}.
 */
public final class SoakReport {

  private static final int WINDOW = 100;

  private SoakReport() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]).toAbsolutePath();
    SparkSession spark = SparkSessions.forReading("lakestream-soak");
    Map<String, List<Long>> durations = new LinkedHashMap<>();
    for (Row row :
        spark
            .read()
            .format("delta")
            .load(root.resolve("tables/pipeline_progress").toString())
            .where(col("rows_in").gt(0))
            .orderBy("query", "timestamp")
            .select("query", "duration_ms")
            .collectAsList()) {
      durations.computeIfAbsent(row.getString(0), q -> new ArrayList<>()).add(row.getLong(1));
    }
    System.out.printf(
        Locale.ROOT,
        "%-24s %8s %7s %14s %14s %7s%n",
        "query",
        "batches",
        "window",
        "median first",
        "median last",
        "ratio");
    for (Map.Entry<String, List<Long>> query : durations.entrySet()) {
      List<Long> all = query.getValue();
      int window = Math.max(1, Math.min(WINDOW, all.size() / 4));
      long first = median(all.subList(0, window));
      long last = median(all.subList(all.size() - window, all.size()));
      System.out.printf(
          Locale.ROOT,
          "%-24s %8d %7d %11d ms %11d ms %7.2f%n",
          query.getKey(),
          all.size(),
          window,
          first,
          last,
          first == 0 ? 0.0 : (double) last / first);
    }
    System.out.printf(
        Locale.ROOT,
        "%n%-24s %12s %12s %12s %10s %12s%n",
        "table",
        "active files",
        "folder files",
        "folder size",
        "log files",
        "log size");
    for (String table : Maintenance.TABLES) {
      Path folder = root.resolve("tables").resolve(table);
      if (!Files.isDirectory(folder)) {
        continue;
      }
      long active =
          spark.sql("DESCRIBE DETAIL delta.`" + folder + "`").first().<Long>getAs("numFiles");
      long[] all = usage(folder);
      long[] log = usage(folder.resolve("_delta_log"));
      System.out.printf(
          Locale.ROOT,
          "%-24s %12d %12d %12s %10d %12s%n",
          table,
          active,
          all[0] - log[0],
          ByteSizes.format(all[1] - log[1]),
          log[0],
          ByteSizes.format(log[1]));
    }
    long[] checkpoints = usage(root.resolve("checkpoints"));
    System.out.printf(
        Locale.ROOT,
        "%ncheckpoints: %d files, %s%n",
        checkpoints[0],
        ByteSizes.format(checkpoints[1]));
    System.out.printf(
        Locale.ROOT,
        "driver heap used: %s KB after 100 files, %s KB at the end%n",
        args[1],
        args[2]);
    spark.stop();
  }

  /** Files (without Hadoop's .crc sidecars) and their bytes under a folder. */
  private static long[] usage(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return new long[] {0, 0};
    }
    try (Stream<Path> files = Files.walk(folder)) {
      long[] total = {0, 0};
      files
          .filter(Files::isRegularFile)
          .filter(file -> !file.getFileName().toString().endsWith(".crc"))
          .forEach(
              file -> {
                total[0]++;
                try {
                  total[1] += Files.size(file);
                } catch (IOException e) {
                  // gone since the walk listed it: not counted
                }
              });
      return total;
    }
  }

  private static long median(List<Long> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}

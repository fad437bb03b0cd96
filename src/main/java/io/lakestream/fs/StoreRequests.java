package io.lakestream.fs;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;

/**
 * The S3 requests a run made, by kind, from S3A's own counters ({@code IOStatistics}, public Hadoop
 * API): what the run costs on a billed store. Counts this JVM's requests to the volume's bucket:
 * all of them in a local run; on a cluster, the driver's (listings, logs, state files), not the
 * executors' reads and writes of data files.
 */
public final class StoreRequests {

  /** Request kinds, each the S3A counters that make it up (by name prefix). */
  private static final Map<String, String[]> KINDS = new LinkedHashMap<>();

  static {
    KINDS.put("LIST", new String[] {"object_list_request", "object_continue_list_request"});
    KINDS.put("HEAD", new String[] {"object_metadata_request"});
    KINDS.put("GET", new String[] {"action_http_get_request"});
    KINDS.put("PUT", new String[] {"object_put_request", "object_multipart_initiated"});
    KINDS.put("COPY", new String[] {"object_copy_request"});
    KINDS.put("DELETE", new String[] {"object_delete_request", "object_bulk_delete_request"});
  }

  private final IOStatistics statistics;
  private final Map<String, Long> atStart;

  private StoreRequests(IOStatistics statistics) {
    this.statistics = statistics;
    this.atStart = byKind(statistics);
  }

  /** Starts counting the requests to the bucket of {@code root}; empty unless it is on S3A. */
  public static Optional<StoreRequests> start(
      java.util.function.Supplier<Configuration> hadoopConfOf, String root) {
    Path path = new Path(root);
    String scheme = path.toUri().getScheme();
    if (scheme == null || !scheme.toLowerCase(Locale.ROOT).equals("s3a")) {
      return Optional.empty();
    }
    try {
      FileSystem fs = path.getFileSystem(hadoopConfOf.get());
      if (fs instanceof IOStatisticsSource source && source.getIOStatistics() != null) {
        return Optional.of(new StoreRequests(source.getIOStatistics()));
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** Requests since the start, by kind, e.g. {@code LIST=12, HEAD=40, ...}. */
  public Map<String, Long> sinceStart() {
    Map<String, Long> now = byKind(statistics);
    Map<String, Long> made = new LinkedHashMap<>();
    now.forEach((kind, count) -> made.put(kind, count - atStart.getOrDefault(kind, 0L)));
    return made;
  }

  /** One line for the run summary. */
  public String render() {
    StringBuilder line = new StringBuilder("  S3 requests this run:");
    long total = 0;
    for (Map.Entry<String, Long> kind : sinceStart().entrySet()) {
      line.append(' ').append(kind.getKey()).append(' ').append(kind.getValue()).append(',');
      total += kind.getValue();
    }
    line.setLength(line.length() - 1);
    return line.append(" (").append(total).append(" in all)").toString();
  }

  private static Map<String, Long> byKind(IOStatistics statistics) {
    Map<String, Long> counts = new LinkedHashMap<>();
    Map<String, Long> counters = statistics.counters();
    KINDS.forEach(
        (kind, prefixes) -> {
          long sum = 0;
          for (Map.Entry<String, Long> counter : counters.entrySet()) {
            String name = counter.getKey();
            // Duration trackers add ".failures" and the like: count each request once.
            if (name.contains(".") || name.endsWith("_completed") || name.endsWith("_active")) {
              continue;
            }
            for (String prefix : prefixes) {
              if (name.startsWith(prefix)) {
                sum += counter.getValue();
              }
            }
          }
          counts.put(kind, sum);
        });
    return counts;
  }
}

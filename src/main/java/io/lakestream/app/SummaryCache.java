package io.lakestream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.config.CatalogSettings;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.table.DeltaTables;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run summary's totals per table, remembered with the Delta version they were read at, in
 * {@code <volume.checkpoints>/_lakestream_summary.json}.
 *
 * <p>Why: the first read of a Delta table in a JVM rebuilds its snapshot with a Spark job, a second
 * or two per table; a run that finds nothing new spent most of its time there. A table whose latest
 * version is the one remembered holds exactly the rows it held then, so its totals are reused and
 * nothing of it was written this run. Every other table is read at its latest version (pinned with
 * {@code versionAsOf}, so a total is never filed under a version it was not read at) and
 * remembered. The version comes from the names in the table's {@code _delta_log} folder: a listing,
 * no Spark job. Any change, a user's {@code DELETE} included, makes a new version, so the totals
 * stay exact. Only local catalog mode knows each table's folder; in unity mode every table is read
 * on every run. The file is a cache: missing or unreadable, it is rebuilt.
 */
final class SummaryCache {

  static final String FILE_NAME = "_lakestream_summary.json";

  private static final Logger LOG = LoggerFactory.getLogger(SummaryCache.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern COMMIT = Pattern.compile("(\\d{20})\\.json");
  private static final int FORMAT = 1;

  /**
   * What the summary reads from one table: totals (cached) and what this run added (zero when
   * cached).
   */
  record Figures(Map<String, Long> totals, Map<String, Long> thisRun) {
    Figures {
      totals = Map.copyOf(totals);
      thisRun = Map.copyOf(thisRun);
    }

    long total(String name) {
      return totals.getOrDefault(name, 0L);
    }
  }

  /**
   * A table's totals and the commit they were read at: its version, and its file's time and length
   * (a table deleted and made again could reach the same version with other rows).
   */
  private record Entry(Commit commit, Map<String, Long> totals) {}

  private record Commit(long version, long modified, long length) {}

  private final SparkSession spark;
  private final DeltaTables tables;
  private final io.lakestream.config.VolumeLayout volume;
  private final boolean byFolder;
  private final Path file;
  private final Configuration hadoopConf;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Set<String> reused = ConcurrentHashMap.newKeySet();

  private SummaryCache(SparkSession spark, LakestreamConfig config) {
    this.spark = spark;
    this.tables = new DeltaTables(spark, config.catalog(), config.volume());
    this.volume = config.volume();
    this.byFolder = config.catalog().mode() == CatalogSettings.Mode.LOCAL;
    this.file = new Path(config.volume().checkpoints(), FILE_NAME);
    this.hadoopConf = spark.sessionState().newHadoopConf();
  }

  /** The cache of this volume, with what an earlier run remembered. */
  static SummaryCache load(SparkSession spark, LakestreamConfig config) {
    SummaryCache cache = new SummaryCache(spark, config);
    if (cache.byFolder) {
      cache.readFile();
    }
    return cache;
  }

  /**
   * The figures of {@code table}: remembered ones if its version has not moved, else {@code read}
   * applied to the table at its latest version.
   */
  Figures figures(String table, Function<Dataset<Row>, Figures> read) {
    if (!byFolder) {
      return read.apply(spark.table(tables.identifier(table)));
    }
    String folder = volume.tableFolder(table);
    Optional<Commit> latest = latestCommit(folder);
    if (latest.isEmpty()) {
      return read.apply(spark.table(tables.identifier(table)));
    }
    Entry known = entries.get(table);
    if (known != null && known.commit().equals(latest.get())) {
      reused.add(table);
      return new Figures(known.totals(), Map.of());
    }
    Figures figures =
        read.apply(
            spark
                .read()
                .format("delta")
                .option("versionAsOf", latest.get().version())
                .load(folder));
    entries.put(table, new Entry(latest.get(), figures.totals()));
    return figures;
  }

  /** Tables whose figures were reused rather than read. */
  Set<String> reusedTables() {
    return Set.copyOf(reused);
  }

  /** Writes what is remembered now; a failure only costs the next run a read of each table. */
  void save() {
    if (!byFolder) {
      return;
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    ObjectNode byTable = root.putObject("tables");
    new java.util.TreeMap<>(entries)
        .forEach(
            (table, entry) -> {
              ObjectNode node = byTable.putObject(table);
              node.put("version", entry.commit().version());
              node.put("commit_modified", entry.commit().modified());
              node.put("commit_length", entry.commit().length());
              ObjectNode totals = node.putObject("totals");
              new java.util.TreeMap<>(entry.totals()).forEach(totals::put);
            });
    try {
      io.lakestream.fs.HadoopFiles.replaceAtomically(
          file.getFileSystem(hadoopConf),
          file,
          JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "Could not save the summary's totals to {}; the next run reads every table: {}",
          file,
          e.toString());
    }
  }

  private void readFile() {
    try {
      FileSystem fs = file.getFileSystem(hadoopConf);
      if (!fs.exists(file)) {
        return;
      }
      JsonNode root;
      try (InputStream in = fs.open(file)) {
        root = JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      if (root == null || root.path("format").asInt() != FORMAT) {
        LOG.info("Ignoring {}: not a format this version writes; every table is read once", file);
        return;
      }
      root.path("tables")
          .fields()
          .forEachRemaining(
              table -> {
                JsonNode node = table.getValue();
                Commit commit =
                    new Commit(
                        node.path("version").asLong(-1),
                        node.path("commit_modified").asLong(-1),
                        node.path("commit_length").asLong(-1));
                Map<String, Long> totals = new LinkedHashMap<>();
                node.path("totals")
                    .fields()
                    .forEachRemaining(
                        total -> totals.put(total.getKey(), total.getValue().asLong()));
                entries.put(table.getKey(), new Entry(commit, totals));
              });
    } catch (IOException | RuntimeException e) {
      LOG.info("Ignoring {} ({}); every table is read once", file, e.toString());
      entries.clear();
    }
  }

  /** The highest commit in the table's {@code _delta_log}; empty if there is none to be found. */
  private Optional<Commit> latestCommit(String folder) {
    Path log = new Path(folder, "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(hadoopConf);
      Commit latest = null;
      for (FileStatus status : fs.listStatus(log)) {
        Matcher name = COMMIT.matcher(status.getPath().getName());
        if (name.matches()
            && (latest == null || Long.parseLong(name.group(1)) > latest.version())) {
          latest =
              new Commit(
                  Long.parseLong(name.group(1)), status.getModificationTime(), status.getLen());
        }
      }
      return Optional.ofNullable(latest);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}

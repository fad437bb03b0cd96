package io.lakestream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.config.CatalogSettings;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.table.AppendedFiles;
import io.lakestream.table.DeltaLogNames;
import io.lakestream.table.DeltaTables;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongFunction;
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
 * nothing of it was written this run. A table that was only appended to since (what the pipeline's
 * own writes do) adds the figures of the appended files to the remembered ones: the files are named
 * by the commits' JSON ({@link AppendedFiles}) and read as Parquet, a row count comes from Delta's
 * per-file statistics, and no snapshot is rebuilt; a table nothing is remembered of counts as
 * appended to from its first commit while its log still starts there. Every other table (a user's
 * {@code DELETE}, an overwrite, a compaction, a schema change) is read whole at its latest version
 * (pinned with {@code versionAsOf}, so a total is never filed under a version it was not read at).
 * The version comes from the names in the table's {@code _delta_log} folder, checked by name from
 * the latest log checkpoint: no Spark job, no listing of a long log. Only local catalog mode knows
 * each table's folder; in unity mode every table is read on every run. The file is a cache: missing
 * or unreadable, it is rebuilt.
 */
final class SummaryCache {

  static final String FILE_NAME = "_lakestream_summary.json";

  private static final Logger LOG = LoggerFactory.getLogger(SummaryCache.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FORMAT = 2;

  /** Past this many commits found by name, the log folder is listed instead. */
  private static final int MAX_COMMITS_CHECKED_BY_NAME = 1_000;

  /**
   * What the summary reads from one table: totals (cached) and what this run added (zero when
   * cached).
   */
  record Figures(Map<String, Long> totals, Map<String, Long> thisRun, Map<String, Long> latest) {
    Figures {
      totals = Map.copyOf(totals);
      thisRun = Map.copyOf(thisRun);
      latest = Map.copyOf(latest);
    }

    /** Figures that are sums over the table's rows, and this run's part of them. */
    Figures(Map<String, Long> totals, Map<String, Long> thisRun) {
      this(totals, thisRun, Map.of());
    }

    long total(String name) {
      return totals.getOrDefault(name, latest.getOrDefault(name, 0L));
    }

    /**
     * These figures followed by those of rows appended since: sums add up, a latest value is
     * replaced when the appended rows have one, this run's figures are the appended rows'.
     */
    Figures followedBy(Figures appended) {
      Map<String, Long> sums = new LinkedHashMap<>(totals);
      appended.totals().forEach((name, value) -> sums.merge(name, value, Long::sum));
      Map<String, Long> newest = new LinkedHashMap<>(latest);
      newest.putAll(appended.latest());
      return new Figures(sums, appended.thisRun(), newest);
    }
  }

  /**
   * A table's totals and the commit they were read at: its version, and its file's time and length
   * (a table deleted and made again could reach the same version with other rows).
   */
  private record Entry(Commit commit, Figures figures) {}

  /** How a table's figures were found this time, for the log and the tests. */
  enum Source {
    /** The table has not moved since they were remembered. */
    REMEMBERED,
    /** Remembered figures plus the rows of the files appended since (no Delta snapshot). */
    APPENDED,
    /** A read of the whole table through Delta. */
    READ
  }

  private record Commit(long version, long modified, long length) {}

  private final SparkSession spark;
  private final DeltaTables tables;
  private final io.lakestream.config.VolumeLayout volume;
  private final boolean byFolder;
  private final Path file;
  private final io.lakestream.fs.HadoopFiles hadoopFiles;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, Source> sources = new ConcurrentHashMap<>();

  private SummaryCache(SparkSession spark, LakestreamConfig config) {
    this.spark = spark;
    this.tables = new DeltaTables(spark, config.catalog(), config.volume());
    this.volume = config.volume();
    this.byFolder = config.catalog().mode() == CatalogSettings.Mode.LOCAL;
    this.file = new Path(config.volume().checkpoints(), FILE_NAME);
    this.hadoopFiles = new io.lakestream.fs.HadoopFiles(spark);
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
   * The figures of {@code table}: remembered ones if its version has not moved; remembered ones
   * followed by {@code read} applied to the rows appended since, when only appends happened (and
   * from the first commit when nothing is remembered); else {@code read} applied to the whole table
   * at its latest version.
   */
  Figures figures(String table, Function<Dataset<Row>, Figures> read) {
    return figures(table, read, Optional.empty());
  }

  /**
   * As {@link #figures(String, Function)}, for a figure that is the table's row count: appended
   * rows are counted from the statistics Delta keeps for each file, without reading them.
   */
  Figures rowCount(String table, String name) {
    return figures(
        table,
        rows -> new Figures(Map.of(name, rows.count()), Map.of()),
        Optional.of(count -> new Figures(Map.of(name, count), Map.of())));
  }

  private Figures figures(
      String table,
      Function<Dataset<Row>, Figures> read,
      Optional<LongFunction<Figures>> fromRecordCount) {
    if (!byFolder) {
      sources.put(table, Source.READ);
      return read.apply(spark.table(tables.identifier(table)));
    }
    String folder = volume.tableFolder(table);
    Entry known = entries.get(table);
    Optional<Commit> latest = latestCommit(folder, known);
    if (latest.isEmpty()) {
      sources.put(table, Source.READ);
      return read.apply(spark.table(tables.identifier(table)));
    }
    if (known != null && known.commit().equals(latest.get())) {
      sources.put(table, Source.REMEMBERED);
      return new Figures(known.figures().totals(), Map.of(), known.figures().latest());
    }
    Optional<Figures> appended = appendedSince(folder, known, latest.get(), read, fromRecordCount);
    Figures figures;
    if (appended.isPresent()) {
      sources.put(table, Source.APPENDED);
      figures = appended.get();
    } else {
      sources.put(table, Source.READ);
      figures =
          read.apply(
              spark
                  .read()
                  .format("delta")
                  .option("versionAsOf", latest.get().version())
                  .load(folder));
    }
    entries.put(table, new Entry(latest.get(), figures));
    return figures;
  }

  /**
   * The remembered figures followed by those of the files appended since, when the remembered
   * commit is still in the log as it was and only appends followed it; empty otherwise.
   */
  private Optional<Figures> appendedSince(
      String folder,
      Entry known,
      Commit latest,
      Function<Dataset<Row>, Figures> read,
      Optional<LongFunction<Figures>> fromRecordCount) {
    long after = -1;
    Figures before = new Figures(Map.of(), Map.of());
    if (known != null) {
      if (known.commit().version() > latest.version()
          || !commitAt(folder, known.commit().version()).equals(Optional.of(known.commit()))) {
        return Optional.empty(); // the table was made again since
      }
      after = known.commit().version();
      before = known.figures();
    }
    Optional<AppendedFiles> files =
        AppendedFiles.between(
            hadoopFiles.fileSystemOf(new Path(folder)), folder, after, latest.version());
    if (files.isEmpty()) {
      return Optional.empty();
    }
    Figures added;
    if (fromRecordCount.isPresent() && files.get().numRecords().isPresent()) {
      added = fromRecordCount.get().apply(files.get().numRecords().getAsLong());
    } else if (files.get().partitioned()) {
      return Optional.empty(); // its files lack the partition columns: Delta reads the table
    } else {
      added = read.apply(files.get().rows(spark));
    }
    return Optional.of(before.followedBy(added));
  }

  /** How each table's figures were found, for the tables asked for so far. */
  Map<String, Source> sources() {
    return Map.copyOf(sources);
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
              new java.util.TreeMap<>(entry.figures().totals()).forEach(totals::put);
              ObjectNode latest = node.putObject("latest");
              new java.util.TreeMap<>(entry.figures().latest()).forEach(latest::put);
            });
    try {
      io.lakestream.fs.StateFile.write(
          hadoopFiles.fileSystemOf(file),
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
      FileSystem fs = hadoopFiles.fileSystemOf(file);
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
                entries.put(
                    table.getKey(),
                    new Entry(
                        commit,
                        new Figures(
                            longs(node.path("totals")), Map.of(), longs(node.path("latest")))));
              });
    } catch (IOException | RuntimeException e) {
      LOG.info("Ignoring {} ({}); every table is read once", file, e.toString());
      entries.clear();
    }
  }

  private static Map<String, Long> longs(JsonNode object) {
    Map<String, Long> values = new LinkedHashMap<>();
    object
        .fields()
        .forEachRemaining(field -> values.put(field.getKey(), field.getValue().asLong()));
    return values;
  }

  /** The commit {@code version} of the table in {@code folder}, if its file is there. */
  private Optional<Commit> commitAt(String folder, long version) {
    Path commit = DeltaLogNames.commitFile(folder, version);
    try {
      FileStatus status = hadoopFiles.fileSystemOf(commit).getFileStatus(commit);
      return Optional.of(new Commit(version, status.getModificationTime(), status.getLen()));
    } catch (IOException | java.io.UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /**
   * The highest commit in the table's {@code _delta_log}; empty if there is none to be found.
   * Versions are consecutive, so it is found by name from the newest commit known to be there: the
   * log checkpoint {@code _last_checkpoint} names (at most a checkpoint interval behind) or the
   * remembered one, whichever is later. A log a month long holds millions of entries, listed page
   * by page on an object store, so the folder is listed only when neither is there (a young table)
   * or the walk gets long.
   */
  private Optional<Commit> latestCommit(String folder, Entry known) {
    Path log = new Path(folder, DeltaLogNames.LOG_FOLDER);
    long start =
        Math.max(lastCheckpointVersion(log), known == null ? -1 : known.commit().version());
    Optional<Commit> latest = start < 0 ? Optional.empty() : commitAt(folder, start);
    for (int step = 0; latest.isPresent(); step++) {
      if (step == MAX_COMMITS_CHECKED_BY_NAME) {
        return listedLatestCommit(log);
      }
      Optional<Commit> next = commitAt(folder, latest.get().version() + 1);
      if (next.isEmpty()) {
        return latest;
      }
      latest = next;
    }
    return listedLatestCommit(log);
  }

  /** The version of the log checkpoint {@code _last_checkpoint} names; -1 when there is none. */
  private long lastCheckpointVersion(Path log) {
    Path lastCheckpoint = new Path(log, "_last_checkpoint");
    try (InputStream in = hadoopFiles.fileSystemOf(lastCheckpoint).open(lastCheckpoint)) {
      return JSON.readTree(in).path("version").asLong(-1);
    } catch (IOException | RuntimeException e) {
      return -1; // none yet, or being rewritten: the listing finds the latest commit
    }
  }

  /** The highest commit among the names in the log folder. */
  private Optional<Commit> listedLatestCommit(Path log) {
    try {
      FileSystem fs = hadoopFiles.fileSystemOf(log);
      Commit latest = null;
      for (FileStatus status : fs.listStatus(log)) {
        OptionalLong version = DeltaLogNames.commitVersion(status.getPath().getName());
        if (version.isPresent() && (latest == null || version.getAsLong() > latest.version())) {
          latest = new Commit(version.getAsLong(), status.getModificationTime(), status.getLen());
        }
      }
      return Optional.ofNullable(latest);
    } catch (IOException | java.io.UncheckedIOException e) {
      return Optional.empty();
    }
  }
}

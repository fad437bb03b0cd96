package io.lakestream.app;

import io.lakestream.config.LakestreamConfig;
import io.lakestream.config.StateSettings;
import io.lakestream.table.SchedulerPools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/** Gets the one SparkSession of the app, configured for Delta and UTC event time. */
public final class SparkSessions {

  public static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  public static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

  /**
   * Spark keeps the classes it generates for plans and expressions in one cache per JVM, of 100
   * entries by default. Five queries re-planned every micro-batch (and Delta's own small queries)
   * use about 300 distinct classes, so with 100 each batch evicts what the next needs and Janino
   * compiles them again: 3,300 compiles of 295 classes in a 90 s run under {@code
   * processingTime:1s}, a third of the process's CPU. A static conf: it takes effect only in a
   * session this app starts (a launcher's or cluster's setting wins).
   */
  static final String CODEGEN_CACHE_ENTRIES = "spark.sql.codegen.cache.maxEntries";

  static final int CODEGEN_CACHE_DEFAULT = 1000;

  /**
   * Spark writes timestamps as Parquet's INT96 unless told otherwise, a type Parquet deprecated and
   * other readers (delta-rs, DataFusion, Arrow) take as nanoseconds. INT64 microseconds is
   * Parquet's own timestamp type, Spark's precision, and cheaper to write: each INT96 value is a
   * 12-byte array, which cost the silver write 12 % of its CPU (940,000 rows, two timestamp
   * columns). The pipeline's default where nothing set it; Delta reads both in one table.
   */
  static final String PARQUET_TIMESTAMP_TYPE = "spark.sql.parquet.outputTimestampType";

  static final String FILE_STATUS_CACHE_SIZE = "spark.sql.hive.filesourcePartitionFileCacheSize";

  private SparkSessions() {}

  /**
   * {@code SparkSession.builder().getOrCreate()}: reuses the session spark-submit or Databricks
   * created, or starts one. {@code master} from the configuration applies only when nothing set
   * {@code spark.master}.
   */
  public static SparkSession getOrCreate(LakestreamConfig config, boolean onDatabricks) {
    SparkConf launcherConf = new SparkConf(true);
    SparkSession.Builder builder = SparkSession.builder().appName(config.appName());
    if (!launcherConf.contains("spark.master")) {
      config.master().ifPresent(builder::master);
    }
    if (!onDatabricks) {
      // Databricks ships Delta wired in; elsewhere the extension and catalog are static confs set
      // here.
      builder.config(
          "spark.sql.extensions", withDelta(launcherConf.get("spark.sql.extensions", "")));
      if (!launcherConf.contains("spark.sql.catalog.spark_catalog")) {
        builder.config("spark.sql.catalog.spark_catalog", DELTA_CATALOG);
      }
    }
    builder.config("spark.sql.session.timeZone", "UTC");
    if (!launcherConf.contains(CODEGEN_CACHE_ENTRIES)) {
      builder.config(CODEGEN_CACHE_ENTRIES, Integer.toString(CODEGEN_CACHE_DEFAULT));
    }
    // spark.* entries of the properties file; spark-submit --conf and cluster settings win over
    // them.
    config
        .sparkSettings()
        .forEach(
            (name, value) -> {
              if (!launcherConf.contains(name)) {
                builder.config(name, value);
              }
            });
    // On Databricks the SparkContext is running already: a file given now would not be read.
    Path pools = onDatabricks ? null : declarePools(launcherConf, config, builder);
    SparkSession spark;
    try {
      spark = builder.getOrCreate();
    } finally {
      deleteQuietly(pools);
    }
    config
        .sparkSettings()
        .forEach(
            (name, value) -> {
              if (!launcherConf.contains(name) && spark.conf().isModifiable(name)) {
                spark.conf().set(name, value);
              }
            });
    applyWriteDefaults(spark);
    applyPipelineSettings(spark);
    return spark;
  }

  /**
   * Under FAIR scheduling, declares the pools lakestream's jobs run in (SchedulerPools), which
   * Spark otherwise makes on first use with a warning each. Spark reads the file once, when the
   * SparkContext starts; a file of the launcher's or the properties' own wins.
   */
  private static Path declarePools(
      SparkConf launcherConf, LakestreamConfig config, SparkSession.Builder builder) {
    String mode =
        launcherConf.get(
            "spark.scheduler.mode",
            config.sparkSettings().getOrDefault("spark.scheduler.mode", ""));
    if (!mode.equalsIgnoreCase("FAIR")
        || launcherConf.contains(SchedulerPools.ALLOCATION_FILE)
        || config.sparkSettings().containsKey(SchedulerPools.ALLOCATION_FILE)) {
      return null;
    }
    try {
      Path file = Files.createTempFile("lakestream-pools", ".xml");
      Files.writeString(file, SchedulerPools.declaration(Topology.QUERIES));
      builder.config(SchedulerPools.ALLOCATION_FILE, file.toUri().toString());
      return file;
    } catch (IOException e) {
      return null; // the pools are then made on first use, as Spark does
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        file.toFile().deleteOnExit();
      }
    }
  }

  /**
   * A small local session that reads Delta tables in UTC, for the bench reports run after the app.
   */
  public static SparkSession forReading(String appName) {
    return SparkSession.builder()
        .master("local[1]")
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.extensions", DELTA_EXTENSION)
        .config("spark.sql.catalog.spark_catalog", DELTA_CATALOG)
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
  }

  /** How the pipeline writes Parquet and lists landing, where the session does not say. */
  static void applyWriteDefaults(SparkSession spark) {
    if (!spark.conf().contains(PARQUET_TIMESTAMP_TYPE)) {
      spark.conf().set(PARQUET_TIMESTAMP_TYPE, "TIMESTAMP_MICROS");
    }
    // Spark's shared file-status cache keeps the status of every file a file-source batch reads
    // (up to 250 MB of driver heap, each entry sized by reflection); a landing file is read once,
    // so no entry is ever used again.
    if (!spark.conf().contains(FILE_STATUS_CACHE_SIZE)
        && spark.conf().isModifiable(FILE_STATUS_CACHE_SIZE)) {
      spark.conf().set(FILE_STATUS_CACHE_SIZE, "0");
    }
  }

  /**
   * Session settings the pipeline's correctness depends on; set at run time, so they also apply to
   * a session spark-submit or Databricks created.
   */
  public static void applyPipelineSettings(SparkSession spark) {
    // Event time is UTC end to end, whatever the machine's zone.
    spark.conf().set("spark.sql.session.timeZone", "UTC");
    // The run summary reads late-row counts from each query's recent progress; keep all of a run's.
    spark.conf().set("spark.sql.streaming.numRecentProgressUpdates", "10000");
  }

  /**
   * State store and shuffle partitions of the stateful queries only: a query copies the session's
   * conf when it starts, so these are set just around those starts (see StreamStarter) and the
   * session keeps the launcher's or cluster's own values. Both are fixed in a query's checkpoint
   * when it is created.
   *
   * <p>With RocksDB, changelog checkpointing too, unless the session sets it: each batch then
   * writes the state's changes instead of a snapshot of every partition's store (Databricks
   * recommends it for every stateful query and turns it on by default since runtime 17.3; an
   * existing checkpoint can switch either way).
   */
  public static Map<String, String> stateConf(StateSettings state, SparkSession session) {
    Map<String, String> conf = new HashMap<>();
    conf.put("spark.sql.streaming.stateStore.providerClass", state.store().providerClass());
    conf.put(
        "spark.sql.shuffle.partitions",
        Integer.toString(state.partitionsFor(defaultParallelism(session))));
    if (state.store() == StateSettings.Store.ROCKSDB
        && !session.conf().contains(ROCKSDB_CHANGELOG)) {
      conf.put(ROCKSDB_CHANGELOG, "true");
    }
    return conf;
  }

  /**
   * The session's default parallelism (its cores); where the SparkContext is out of reach (a
   * Databricks shared or serverless compute), 4, the setting's former fixed default.
   */
  static int defaultParallelism(SparkSession session) {
    try {
      return session.sparkContext().defaultParallelism();
    } catch (RuntimeException e) {
      return 4;
    }
  }

  static final String ROCKSDB_CHANGELOG =
      "spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled";

  /** Spark conf entries visible to the driver before any session exists (spark-submit --conf). */
  public static Map<String, String> launcherConf() {
    SparkConf conf = new SparkConf(true);
    Map<String, String> entries = new HashMap<>();
    for (scala.Tuple2<String, String> entry : conf.getAll()) {
      entries.put(entry._1(), entry._2());
    }
    return entries;
  }

  /** The live session's conf, which on Databricks also holds the cluster's Spark settings. */
  public static Map<String, String> sessionConf(SparkSession spark) {
    return CollectionConverters.asJava(spark.conf().getAll());
  }

  static String withDelta(String extensions) {
    if (extensions.contains(DELTA_EXTENSION)) {
      return extensions;
    }
    return extensions.isBlank() ? DELTA_EXTENSION : extensions + "," + DELTA_EXTENSION;
  }
}

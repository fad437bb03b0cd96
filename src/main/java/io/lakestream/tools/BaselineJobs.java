package io.lakestream.tools;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.session_window;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.window;

import io.lakestream.app.SparkSessions;
import io.lakestream.config.ConfigKeys;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;

/**
 * The jobs a data engineer would write by hand, for {@code scripts/bench.sh} to hold lakestream
 * against, on the same files and with the same Spark settings (the {@code spark.*} lines of the
 * properties file):
 *
 * <ul>
 *   <li>{@code batch-ingest}: {@code spark.read.schema(..).json(..)} + source file + ingest time →
 *       one Delta append (the ceiling for bronze);
 *   <li>{@code batch-pipeline}: the whole pipeline's work as one batch job: valid events
 *       deduplicated → silver, 5-minute window counts, totals per type, 30-minute session windows →
 *       three gold tables;
 *   <li>{@code tutorial-stream}: the tutorials' ten lines, {@code readStream.schema(..).json(..)} →
 *       Delta, with {@code maxFilesPerTrigger} and {@code availableNow}.
 * </ul>
 *
 * Usage: {@code BaselineJobs <job> <input folder> <output folder> <properties file> [files per
 * trigger]}.
 */
public final class BaselineJobs {

  /** JSON documents (bench.sh --json): Spark's reader then takes each file whole (multiLine). */
  private static final boolean MULTI_LINE = Boolean.getBoolean("lakestream.baseline.multiLine");

  private BaselineJobs() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println(
          "usage: BaselineJobs batch-ingest|batch-pipeline|tutorial-stream <input> <output> <properties> [files-per-trigger]");
      System.exit(2);
    }
    String job = args[0];
    String input = args[1];
    String output = args[2];
    SparkSession spark = session(args[3]);
    StructType schema = StructType.fromDDL(ConfigKeys.SAMPLE_EVENT_SCHEMA);
    long started = System.nanoTime();
    var requests =
        io.lakestream.fs.StoreRequests.start(
            () -> spark.sparkContext().hadoopConfiguration(), output);
    switch (job) {
      case "batch-ingest" -> batchIngest(spark, schema, input, output);
      case "batch-pipeline" -> batchPipeline(spark, schema, input, output);
      case "tutorial-stream" ->
          tutorialStream(spark, schema, input, output, args.length > 4 ? args[4] : "1000");
      default -> throw new IllegalArgumentException("unknown job " + job);
    }
    System.out.printf(
        Locale.ROOT, "%s finished in %.1f s%n", job, (System.nanoTime() - started) / 1e9);
    requests.ifPresent(counted -> System.out.println(counted.render()));
    spark.stop();
  }

  private static SparkSession session(String propertiesFile) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = new FileInputStream(propertiesFile)) {
      properties.load(in);
    }
    SparkSession.Builder builder =
        SparkSession.builder()
            .master(System.getProperty("spark.master", "local[2]"))
            .appName("lakestream-baseline")
            .config("spark.sql.extensions", SparkSessions.DELTA_EXTENSION)
            .config("spark.sql.catalog.spark_catalog", SparkSessions.DELTA_CATALOG)
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "2");
    for (String name : properties.stringPropertyNames()) {
      if (name.startsWith("spark.") && !name.startsWith("spark.lakestream.")) {
        builder.config(name, properties.getProperty(name).strip());
      }
    }
    return builder.getOrCreate();
  }

  private static void batchIngest(
      SparkSession spark, StructType schema, String input, String output) {
    spark
        .read()
        .schema(schema)
        .option("multiLine", MULTI_LINE)
        .json(input)
        .withColumn("_source_file", col("_metadata.file_path"))
        .withColumn("_ingested_at", current_timestamp())
        .write()
        .format("delta")
        .mode("append")
        .save(output + "/bronze");
  }

  private static void batchPipeline(
      SparkSession spark, StructType schema, String input, String output) {
    Dataset<Row> silver =
        spark
            .read()
            .schema(schema)
            .option("multiLine", MULTI_LINE)
            .json(input)
            .where(
                col("event_id")
                    .isNotNull()
                    .and(col("user_id").isNotNull())
                    .and(col("event_type").isNotNull())
                    .and(col("event_time").isNotNull()))
            .dropDuplicates("event_id");
    silver.write().format("delta").mode("append").save(output + "/silver");
    Dataset<Row> events = spark.read().format("delta").load(output + "/silver");
    events
        .groupBy(window(col("event_time"), "5 minutes").as("window"), col("event_type"))
        .agg(
            count(lit(1)).as("event_count"),
            size(collect_set(col("user_id"))).as("distinct_users"),
            sum("amount").as("total_amount"))
        .write()
        .format("delta")
        .mode("overwrite")
        .save(output + "/gold_event_counts");
    events
        .groupBy(col("event_type"))
        .agg(count(lit(1)).as("event_count"), sum("amount").as("total_amount"))
        .write()
        .format("delta")
        .mode("overwrite")
        .save(output + "/gold_event_type_totals");
    events
        .groupBy(col("user_id"), session_window(col("event_time"), "30 minutes").as("session"))
        .agg(
            min("event_time").as("session_start"),
            max("event_time").as("session_end"),
            count(lit(1)).as("event_count"),
            collect_set(col("event_type")).as("event_types"),
            sum("amount").as("total_amount"))
        .drop("session")
        .write()
        .format("delta")
        .mode("overwrite")
        .save(output + "/gold_user_sessions");
  }

  private static void tutorialStream(
      SparkSession spark, StructType schema, String input, String output, String filesPerTrigger)
      throws Exception {
    StreamingQuery query =
        spark
            .readStream()
            .schema(schema)
            .option("multiLine", MULTI_LINE)
            .option("maxFilesPerTrigger", filesPerTrigger)
            .json(input)
            .writeStream()
            .format("delta")
            .option("checkpointLocation", output + "/_checkpoint")
            .trigger(Trigger.AvailableNow())
            .start(output + "/bronze");
    query.awaitTermination();
  }
}

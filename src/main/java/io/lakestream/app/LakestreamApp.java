package io.lakestream.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.LakestreamException;
import io.lakestream.config.CatalogSettings;
import io.lakestream.config.ConfigException;
import io.lakestream.config.ConfigLoader;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.fs.SessionHadoopConf;
import io.lakestream.observe.ConsoleProgress;
import io.lakestream.report.HtmlReport;
import io.lakestream.report.ReportData;
import io.lakestream.table.DeltaTables;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point, for spark-submit, a Databricks JAR task and local runs. It only wires: parse
 * the command line, load the configuration, get the SparkSession, run the {@link Pipeline}, report.
 *
 * <p>Exit status: 0 done, 1 the pipeline failed, 2 bad command line or configuration, 3 another run
 * holds the checkpoint folder, 4 a layer cannot read on where it stopped (its unread upstream
 * history was deleted by retention; {@code rebuild} is the way out); a run stopped by SIGTERM or
 * Ctrl-C ends with the signal's status (143, 130) after stopping its queries. On Databricks it
 * never calls {@code System.exit} nor stops the shared session; failures are rethrown so the run
 * fails, and the job's own cancel stops the queries.
 */
public final class LakestreamApp {

  static final int OK = LakestreamException.OK;
  static final int FAILED = LakestreamException.FAILED;
  static final int BAD_USAGE = LakestreamException.BAD_USAGE;
  static final int ALREADY_RUNNING = LakestreamException.ALREADY_RUNNING;

  private static final Logger LOG = LoggerFactory.getLogger(LakestreamApp.class);

  private LakestreamApp() {}

  public static void main(String[] args) throws Exception {
    boolean onDatabricks = DatabricksRuntime.detected();
    if (onDatabricks) {
      run(args, true, System.out);
      return;
    }
    System.exit(runAndReport(args, System.out, System.err));
  }

  /** Runs and turns every failure into an exit status and a clear message on {@code err}. */
  static int runAndReport(String[] args, PrintStream out, PrintStream err) {
    try {
      run(args, false, out);
      return OK;
    } catch (LakestreamException e) {
      if (e.logStackTrace()) {
        LOG.error("Pipeline stopped", e);
      }
      err.println("lakestream: " + e.getMessage());
      if (!e.advice().isEmpty()) {
        err.println(e.advice());
      }
      return e.exitStatus();
    } catch (Exception e) {
      LOG.error("Pipeline failed", e);
      err.println("lakestream: pipeline failed: " + e);
      return FAILED;
    }
  }

  /**
   * Writes the HTML report. It only reads: no folder, table or lock is created, so a mistyped
   * volume.root is refused (exit 2) rather than answered with an empty lake and an empty report.
   *
   * @return the tables not found, whose charts are empty
   */
  static List<String> writeReport(SparkSession spark, LakestreamConfig config, Path file)
      throws IOException {
    DeltaTables tables = new DeltaTables(spark, config.catalog(), config.volume());
    ObjectNode data = ReportData.read(spark, tables::readIfExists);
    List<String> missing = new ArrayList<>();
    data.withArray("missingTables").forEach(name -> missing.add(name.asText()));
    if (missing.size() == ReportData.TABLES.size()) {
      throw holdsNoTables(config, "the tables the report reads", String.join(", ", missing));
    }
    Files.writeString(
        file, HtmlReport.render(data, "lakestream report: " + config.volume().root()));
    return missing;
  }

  /**
   * Compacts and vacuums every table once, under the run lock: OPTIMIZE must not meet a run's MERGE
   * or overwrite. Creates nothing: a volume without tables is refused (exit 2), as the report does.
   */
  static io.lakestream.maintain.MaintenanceReport maintain(
      SparkSession spark, LakestreamConfig config) {
    io.lakestream.maintain.Maintenance maintenance =
        new io.lakestream.maintain.Maintenance(spark, config, java.time.Clock.systemUTC());
    if (maintenance.existingTables().isEmpty()) {
      throw holdsNoTables(config, "lakestream's tables", "");
    }
    try (InstanceLock lock =
        InstanceLock.acquire(
            SessionHadoopConf.of(spark), config.volume().checkpoints(), () -> {})) {
      return maintenance.passBetweenRuns();
    }
  }

  /**
   * The report and maintenance refuse a volume root without tables: a mistyped path, most likely.
   */
  private static ConfigException holdsNoTables(
      LakestreamConfig config, String tables, String names) {
    Object where =
        config.catalog().mode() == CatalogSettings.Mode.LOCAL
            ? config.volume().tables()
            : config.catalog().schemaIdentifier();
    return new ConfigException(
        "volume.root = '"
            + config.volume().root()
            + "' holds none of "
            + tables
            + " ("
            + (names.isEmpty() ? "" : names + " ")
            + "in "
            + where
            + "). Allowed: the volume root of a lakestream run.");
  }

  /**
   * Parses, configures and runs. Configuration is validated before the session exists, then once
   * more with the live session's conf (Databricks cluster settings), before any query starts.
   */
  static void run(String[] args, boolean onDatabricks, PrintStream out) throws Exception {
    CommandLine commandLine = CommandLine.parse(args);
    if (commandLine.help()) {
      out.print(Usage.text());
      return;
    }
    LakestreamConfig config =
        ConfigLoader.load(
            commandLine.propertiesFile(), SparkSessions.launcherConf(), commandLine.settings());
    SparkSession spark = SparkSessions.getOrCreate(config, onDatabricks);
    try {
      config =
          ConfigLoader.load(
              commandLine.propertiesFile(),
              SparkSessions.sessionConf(spark),
              commandLine.settings());
      LOG.info(
          "Volume {}, catalog {} schema {}, trigger {}",
          config.volume().root(),
          config.catalog().mode(),
          config.catalog().schemaIdentifier(),
          config.trigger());
      checkStoreReachable(spark, config);
      if (commandLine.reportFile().isPresent()) {
        Path file = Path.of(commandLine.reportFile().get()).toAbsolutePath();
        List<String> missing = writeReport(spark, config, file);
        if (!missing.isEmpty()) {
          out.println(
              "lakestream: tables not found, their charts are empty: "
                  + String.join(", ", missing));
        }
        out.println("lakestream: report written to " + file);
        return;
      }
      if (commandLine.maintain()) {
        out.print(maintain(spark, config).render());
        return;
      }
      if (commandLine.rebuild().isPresent()) {
        try (InstanceLock lock =
            InstanceLock.acquire(
                SessionHadoopConf.of(spark), config.volume().checkpoints(), () -> {})) {
          out.print(new LayerRebuild(spark, config).rebuild(commandLine.rebuild().get()));
        }
        return;
      }
      // A run we launched shows live progress; on Databricks the job UI does that.
      Pipeline pipeline =
          new Pipeline(
              spark,
              config,
              onDatabricks ? List.of() : List.of(ConsoleProgress.onStandardOutput()));
      java.util.Optional<io.lakestream.fs.StoreRequests> requests =
          io.lakestream.fs.StoreRequests.start(
              () -> SessionHadoopConf.of(spark), config.volume().root());
      try (GracefulStop stop =
          onDatabricks ? GracefulStop.none() : GracefulStop.install(pipeline)) {
        out.print(pipeline.run().summary().render());
        requests.ifPresent(counted -> out.println(counted.render()));
        if (pipeline.stopRequested()) {
          out.println(
              "lakestream: stopped on request: every query stopped; a batch cut short is replayed from its"
                  + " checkpoint on the next run.");
        }
      }
    } finally {
      if (!onDatabricks) {
        spark.stop();
        closeStateStores();
      }
    }
  }

  /**
   * Stops the start with exit 2, before anything is created, when the volume's S3 bucket cannot be
   * reached with the settings given (wrong endpoint, missing bucket, refused credentials).
   */
  private static void checkStoreReachable(SparkSession spark, LakestreamConfig config) {
    java.util.Map<String, String> folders = new java.util.LinkedHashMap<>();
    folders.put("volume.landing", config.volume().landing());
    folders.put("volume.archive", config.volume().archive());
    folders.put("volume.checkpoints", config.volume().checkpoints());
    folders.put("volume.tables", config.volume().tables());
    io.lakestream.fs.StoreCheck.problem(() -> SessionHadoopConf.of(spark), folders)
        .ifPresent(
            problem -> {
              throw new ConfigException(problem);
            });
  }

  /**
   * Closes the state stores this JVM still holds open (Spark keeps a query's RocksDB instances
   * loaded after it stops, and {@code spark.stop()} does not close them): native RocksDB threads
   * left running into the JVM's exit can abort it ({@code std::bad_alloc}, exit 134, seen once at
   * the exit of a run-local that recorded the class archive). Spark's internal API; if it is not
   * there, nothing is closed, as before. Listed in src/docs/design.md ("Internals of Spark and
   * Delta").
   */
  private static void closeStateStores() {
    try {
      org.apache.spark.sql.execution.streaming.state.StateStore$.MODULE$.stop();
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("Could not close the state stores", e);
    }
  }
}

package io.lakestream.table;

import io.lakestream.config.CatalogSettings;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.config.SqlText;
import io.lakestream.config.VolumeLayout;
import io.lakestream.fs.HadoopFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the volume before any query starts: the schema (and, in unity mode, the volume) in the
 * catalog, the folders (landing, archive, checkpoints, quarantine, tables) and the output tables.
 * Idempotent: every step is "if not exists", so a second run changes nothing.
 */
public final class VolumeSetup {

  private static final Logger LOG = LoggerFactory.getLogger(VolumeSetup.class);

  private final SparkSession spark;
  private final LakestreamConfig config;
  private final List<TableDefinition> tables;

  public VolumeSetup(SparkSession spark, LakestreamConfig config, List<TableDefinition> tables) {
    this.spark = spark;
    this.config = config;
    this.tables = List.copyOf(tables);
  }

  /** The catalog statements, in order: schema, then (unity mode) the volume. */
  public List<String> catalogStatements() {
    CatalogSettings catalog = config.catalog();
    List<String> statements = new ArrayList<>();
    if (catalog.mode() == CatalogSettings.Mode.UNITY) {
      statements.add("CREATE SCHEMA IF NOT EXISTS " + catalog.schemaIdentifier());
      statements.add("CREATE VOLUME IF NOT EXISTS " + catalog.volumeIdentifier());
    } else {
      // The schema lives in the tables folder, so nothing is written to a stray ./spark-warehouse.
      statements.add(
          "CREATE SCHEMA IF NOT EXISTS "
              + catalog.schemaIdentifier()
              + " LOCATION "
              + SqlText.literal(config.volume().tables()));
    }
    return statements;
  }

  /** The folders this stage creates. */
  public List<String> folders() {
    VolumeLayout volume = config.volume();
    return List.of(volume.landing(), volume.archive(), volume.checkpoints(), volume.tables());
  }

  public void run() {
    prepareVolume();
    ensureTables(tables);
  }

  /** The folders and the schema (and, in unity mode, the volume): what every table needs first. */
  public void prepareVolume() {
    HadoopFiles files = new HadoopFiles(spark);
    if (config.catalog().mode() == CatalogSettings.Mode.LOCAL) {
      folders().forEach(files::mkdirs);
      catalogStatements().forEach(spark::sql);
    } else {
      // A Unity Catalog volume must exist before folders can be made inside it.
      catalogStatements().forEach(spark::sql);
      folders().forEach(files::mkdirs);
    }
  }

  /** Creates (or registers, or adds new columns to) the given tables. */
  public void ensureTables(List<TableDefinition> tables) {
    ensureTablesMadeBy(
        tables.stream().map(table -> (Supplier<TableDefinition>) () -> table).toList());
  }

  /**
   * As {@link #ensureTables(List)}, each table defined by its supplier inside its own step: one
   * whose columns take a while to learn (silver's wait for the users reference) does not hold up
   * the others.
   */
  public void ensureTablesMadeBy(List<Supplier<TableDefinition>> tables) {
    DeltaTables deltaTables = new DeltaTables(spark, config.catalog(), config.volume());
    // Each table's log is read (or its first commit written) on its own: side by side, the waits
    // overlap.
    List<java.util.concurrent.Callable<TableDefinition>> steps = new ArrayList<>();
    java.util.Map<String, String> maintained = config.maintenance().tableProperties();
    for (Supplier<TableDefinition> table : tables) {
      steps.add(
          () -> {
            TableDefinition definition = table.get();
            deltaTables.ensure(definition.withProperties(maintained));
            return definition;
          });
    }
    List<TableDefinition> ready = Concurrently.all("preparing the tables", steps);
    LOG.info(
        "Volume ready at {}: schema {}, tables {}",
        config.volume().root(),
        config.catalog().schemaIdentifier(),
        ready.stream().map(TableDefinition::name).toList());
  }
}

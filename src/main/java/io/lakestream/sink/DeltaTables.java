package io.lakestream.sink;

import io.lakestream.config.CatalogSettings;
import io.lakestream.config.SqlText;
import io.lakestream.config.VolumeLayout;
import io.delta.tables.DeltaTable;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.hadoop.fs.Path;
import java.net.URI;
import org.apache.spark.sql.catalyst.TableIdentifier;
import scala.Option;
import org.apache.spark.sql.SparkSession;

/**
 * Creates and registers the output Delta tables. In local mode a table is an external Delta folder
 * {@code <volume.tables>/<name>}, readable by path by any Delta reader and by name in the session; in unity
 * mode it is a managed table created by name.
 */
public final class DeltaTables {

  private final SparkSession spark;
  private final CatalogSettings catalog;
  private final VolumeLayout volume;

  public DeltaTables(SparkSession spark, CatalogSettings catalog, VolumeLayout volume) {
    this.spark = spark;
    this.catalog = catalog;
    this.volume = volume;
  }

  /**
   * Reads a table without creating or registering anything (the report): in local mode by its folder, which
   * a new session's catalog does not know yet; in unity mode by name. Empty if the table does not exist.
   */
  public Optional<Dataset<Row>> readIfExists(String tableName) {
    if (catalog.mode() == CatalogSettings.Mode.LOCAL) {
      String folder = volume.tableFolder(tableName);
      return DeltaTable.isDeltaTable(spark, folder) ? Optional.of(spark.read().format("delta").load(folder)) : Optional.empty();
    }
    return spark.catalog().tableExists(identifier(tableName)) ? Optional.of(spark.table(identifier(tableName))) : Optional.empty();
  }

  /** The table's SQL identifier, e.g. {@code `streaming_workspace`.`bronze_events`}. */
  public String identifier(String tableName) {
    return catalog.tableIdentifier(tableName);
  }

  /** The SQL that creates the table if it does not exist. */
  public String createStatement(TableDefinition table) {
    StringBuilder sql =
        new StringBuilder("CREATE TABLE IF NOT EXISTS ")
            .append(identifier(table.name()))
            .append(" (")
            .append(table.schema().toDDL())
            .append(") USING DELTA");
    if (!table.partitionColumns().isEmpty()) {
      sql.append(" PARTITIONED BY (")
          .append(table.partitionColumns().stream().map(c -> "`" + c + "`").collect(Collectors.joining(", ")))
          .append(")");
    }
    if (!table.properties().isEmpty()) {
      sql.append(" TBLPROPERTIES (")
          .append(
              new java.util.TreeMap<>(table.properties()).entrySet().stream()
                  .map(p -> SqlText.literal(p.getKey()) + " = " + SqlText.literal(p.getValue()))
                  .collect(Collectors.joining(", ")))
          .append(")");
    }
    if (catalog.mode() == CatalogSettings.Mode.LOCAL) {
      sql.append(" LOCATION ").append(SqlText.literal(volume.tableFolder(table.name())));
    }
    return sql.toString();
  }

  /**
   * Creates the table if missing and, in local mode, checks the registered table lives where the volume
   * says: writes go by name, so a stale registration elsewhere would send rows to the wrong folder.
   */
  public void ensure(TableDefinition table) {
    spark.sql(createStatement(table));
    if (catalog.mode() == CatalogSettings.Mode.LOCAL) {
      URI location = registeredLocation(table.name());
      Path registered = new Path(location);
      Path expected = new Path(volume.tableFolder(table.name()));
      if (!samePath(registered, expected)) {
        throw new IllegalStateException(
            "Table " + identifier(table.name()) + " is registered at " + registered + " but volume.tables puts it at "
                + expected + ". Drop the old registration or point volume.tables at it.");
      }
    }
  }

  /** The session catalog's entry for the table; reading it does not load the Delta log. */
  private URI registeredLocation(String tableName) {
    try {
      return spark.sessionState()
          .catalog()
          .getTableMetadata(new TableIdentifier(tableName, Option.apply(catalog.schema())))
          .location();
    } catch (Exception e) { // NoSuchTableException and NoSuchNamespaceException are checked in Java's eyes
      throw new IllegalStateException("Table " + identifier(tableName) + " was created but is not in the catalog", e);
    }
  }

  private static boolean samePath(Path a, Path b) {
    return a.toUri().getPath().equals(b.toUri().getPath());
  }
}

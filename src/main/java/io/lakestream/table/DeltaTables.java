package io.lakestream.table;

import io.delta.tables.DeltaTable;
import io.lakestream.config.CatalogSettings;
import io.lakestream.config.SqlText;
import io.lakestream.config.VolumeLayout;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Creates and registers the output Delta tables. In local mode a table is an external Delta folder
 * {@code <volume.tables>/<name>}, readable by path by any Delta reader and by name in the session;
 * in unity mode it is a managed table created by name.
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
   * Reads a table without creating or registering anything (the report): in local mode by its
   * folder, which a new session's catalog does not know yet; in unity mode by name. Empty if the
   * table does not exist.
   */
  public Optional<Dataset<Row>> readIfExists(String tableName) {
    if (!exists(tableName)) {
      return Optional.empty();
    }
    return Optional.of(
        catalog.mode() == CatalogSettings.Mode.LOCAL
            ? spark.read().format("delta").load(volume.tableFolder(tableName))
            : spark.table(identifier(tableName)));
  }

  /**
   * Whether the table exists, without loading it: its folder holds a Delta log (local), or the
   * catalog has it.
   */
  public boolean exists(String tableName) {
    return catalog.mode() == CatalogSettings.Mode.LOCAL
        ? DeltaTable.isDeltaTable(spark, volume.tableFolder(tableName))
        : spark.catalog().tableExists(identifier(tableName));
  }

  /**
   * The table as the source of a streaming query whose checkpoint is {@code queryCheckpoint} (see
   * {@link DeltaStreamSource}).
   */
  public Dataset<Row> readStream(String tableName, String queryCheckpoint, Duration fileRetention) {
    return new DeltaStreamSource(spark, this).read(tableName, queryCheckpoint, fileRetention);
  }

  /** Where the table's files live: its folder in the volume, or what the catalog says. */
  public String location(String tableName) {
    return catalog.mode() == CatalogSettings.Mode.LOCAL
        ? volume.tableFolder(tableName)
        : DeltaTable.forName(spark, identifier(tableName))
            .detail()
            .select("location")
            .first()
            .getString(0);
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
          .append(
              table.partitionColumns().stream()
                  .map(c -> "`" + c + "`")
                  .collect(java.util.stream.Collectors.joining(", ")))
          .append(")");
    }
    if (!table.properties().isEmpty()) {
      sql.append(" TBLPROPERTIES (").append(propertyList(table.properties())).append(")");
    }
    if (catalog.mode() == CatalogSettings.Mode.LOCAL) {
      sql.append(" LOCATION ").append(SqlText.literal(volume.tableFolder(table.name())));
    }
    return sql.toString();
  }

  /**
   * Registers in the session catalog, by name, the Delta table that lives in {@code folder} (local
   * catalog mode): the table is taken as its log holds it, with no schema given (one given would
   * have to match exactly). A name registered already is left as it is.
   */
  public void register(String identifier, String folder) {
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + identifier
            + " USING DELTA LOCATION "
            + SqlText.literal(folder));
  }

  /**
   * Creates the table if missing and, in local mode, checks the registered table lives where the
   * volume says: writes go by name, so a stale registration elsewhere would send rows to the wrong
   * folder.
   */
  public void ensure(TableDefinition table) {
    Optional<StructType> existing = existingSchema(table.name());
    if (existing.isEmpty()) {
      spark.sql(createStatement(table));
    } else {
      if (catalog.mode() == CatalogSettings.Mode.LOCAL) {
        register(identifier(table.name()), volume.tableFolder(table.name()));
      }
      addNewColumns(table, existing.get());
      applyProperties(table);
    }
    if (catalog.mode() == CatalogSettings.Mode.LOCAL) {
      URI location = registeredLocation(table.name());
      Path registered = new Path(location);
      Path expected = new Path(volume.tableFolder(table.name()));
      if (!samePath(registered, expected)) {
        throw new IllegalStateException(
            "Table "
                + identifier(table.name())
                + " is registered at "
                + registered
                + " but volume.tables puts it at "
                + expected
                + ". Drop the old registration or point volume.tables at it.");
      }
    }
  }

  /**
   * Sets the definition's table properties the existing table lacks or holds with another value (a
   * changed maintain.* setting, or a table created before the setting existed). At set-up, before
   * any query writes: a property change conflicts with every concurrent commit.
   */
  private void applyProperties(TableDefinition table) {
    if (table.properties().isEmpty()) {
      return;
    }
    Map<String, String> current = new java.util.HashMap<>();
    for (Row row : spark.sql("SHOW TBLPROPERTIES " + identifier(table.name())).collectAsList()) {
      current.put(row.getString(0), row.getString(1));
    }
    Map<String, String> changed = new java.util.TreeMap<>();
    table
        .properties()
        .forEach(
            (key, value) -> {
              if (!value.equals(current.get(key))) {
                changed.put(key, value);
              }
            });
    if (!changed.isEmpty()) {
      spark.sql(
          "ALTER TABLE "
              + identifier(table.name())
              + " SET TBLPROPERTIES ("
              + propertyList(changed)
              + ")");
      LoggerFactory.getLogger(DeltaTables.class)
          .info("Set {} on {}", changed, identifier(table.name()));
    }
  }

  private static String propertyList(Map<String, String> properties) {
    return new java.util.TreeMap<>(properties)
        .entrySet().stream()
            .map(p -> SqlText.literal(p.getKey()) + " = " + SqlText.literal(p.getValue()))
            .collect(java.util.stream.Collectors.joining(", "));
  }

  /**
   * The schema of the table if it exists already (in local mode: if its folder holds a Delta
   * table).
   */
  private Optional<StructType> existingSchema(String tableName) {
    if (catalog.mode() == CatalogSettings.Mode.LOCAL) {
      String folder = volume.tableFolder(tableName);
      return DeltaTable.isDeltaTable(spark, folder)
          ? Optional.of(spark.read().format("delta").load(folder).schema())
          : Optional.empty();
    }
    return spark.catalog().tableExists(identifier(tableName))
        ? Optional.of(spark.table(identifier(tableName)).schema())
        : Optional.empty();
  }

  /**
   * Adds the definition's columns the table lacks (a newer lakestream, or enrichment switched on),
   * as nullable columns: older rows read them as null. Columns the table has and the definition
   * lacks stay, and new rows leave them null. A column whose type differs is refused here, at
   * start-up, rather than by the first write.
   */
  private void addNewColumns(TableDefinition table, StructType existing) {
    Map<String, StructField> byName = new LinkedHashMap<>();
    for (StructField field : existing.fields()) {
      byName.put(field.name().toLowerCase(Locale.ROOT), field);
    }
    List<String> added = new ArrayList<>();
    List<StructField> widened = new ArrayList<>();
    for (StructField field : table.schema().fields()) {
      StructField current = byName.get(field.name().toLowerCase(Locale.ROOT));
      if (current == null) {
        added.add(SqlText.identifier(field.name()) + " " + field.dataType().sql());
      } else if (TypeWidening.widens(current.dataType(), field.dataType())) {
        widened.add(new StructField(current.name(), field.dataType(), true, field.metadata()));
      } else if (!current.dataType().sql().equals(field.dataType().sql())) {
        // A changed ingest.schema type (or reference column type): refused before any batch would
        // fail on it.
        throw new io.lakestream.config.ConfigException(
            "table "
                + identifier(table.name())
                + " has column "
                + current.name()
                + " of type "
                + current.dataType().sql()
                + ", but this configuration writes it as "
                + field.dataType().sql()
                + " (ingest.schema, or"
                + " enrich.users.table for an enrichment column). Delta changes a column's type in place only to a wider"
                + " one (a wider integer, an integer or FLOAT to DOUBLE, a wider DECIMAL, DATE to TIMESTAMP_NTZ): keep the"
                + " type, give the field a new name, or write to new tables (another volume.tables or catalog.schema).");
      }
    }
    if (table.name().equals(BronzeTable.NAME)) {
      refuseRemovedFields(table, existing);
    }
    if (!added.isEmpty()) {
      spark.sql(
          "ALTER TABLE "
              + identifier(table.name())
              + " ADD COLUMNS ("
              + String.join(", ", added)
              + ")");
      LoggerFactory.getLogger(DeltaTables.class)
          .info("Added columns to {}: {}", identifier(table.name()), String.join(", ", added));
    }
    if (!widened.isEmpty()) {
      widenColumns(table, existing, widened);
    }
  }

  /**
   * Changes the columns' types in place through Delta's type widening (no data file is rewritten;
   * older files are read with the wider type). The feature is switched on for the table first: it
   * upgrades the table's protocol, so only Delta 3.2+ readers read it afterwards, which is why it
   * is not on for every table from the start.
   */
  private void widenColumns(TableDefinition table, StructType existing, List<StructField> widened) {
    String identifier = identifier(table.name());
    spark.sql(
        "ALTER TABLE " + identifier + " SET TBLPROPERTIES ('delta.enableTypeWidening' = 'true')");
    for (StructField field : widened) {
      String from = existing.apply(existing.fieldIndex(field.name())).dataType().sql();
      spark.sql(
          "ALTER TABLE "
              + identifier
              + " ALTER COLUMN "
              + SqlText.identifier(field.name())
              + " TYPE "
              + field.dataType().sql());
      LoggerFactory.getLogger(DeltaTables.class)
          .info(
              "Widened column {}.{} from {} to {}",
              identifier,
              field.name(),
              from,
              field.dataType().sql());
    }
  }

  /**
   * bronze_events holds the event fields and lakestream's own columns (named with a leading _): an
   * event field it holds that the contract lacks was removed from ingest.schema. Refused, as a type
   * change is: Delta would keep the column, and silver and gold would go on expecting it.
   */
  private void refuseRemovedFields(TableDefinition table, StructType existing) {
    java.util.Set<String> defined = new java.util.HashSet<>();
    for (String name : table.schema().fieldNames()) {
      defined.add(name.toLowerCase(Locale.ROOT));
    }
    List<String> removed = new ArrayList<>();
    for (StructField field : existing.fields()) {
      if (!field.name().startsWith("_")
          && !defined.contains(field.name().toLowerCase(Locale.ROOT))) {
        removed.add(field.name() + " " + field.dataType().sql());
      }
    }
    if (!removed.isEmpty()) {
      throw new io.lakestream.config.ConfigException(
          "ingest.schema lacks field(s) that table "
              + identifier(table.name())
              + " holds: "
              + String.join(", ", removed)
              + ". A field cannot be removed from the event contract of existing tables: put it back in ingest.schema (with"
              + " that type; new rows may leave it null), or write to new tables (another volume.tables or catalog.schema).");
    }
  }

  /** The session catalog's entry for the table; reading it does not load the Delta log. */
  private URI registeredLocation(String tableName) {
    try {
      return spark
          .sessionState()
          .catalog()
          .getTableMetadata(new TableIdentifier(tableName, Option.apply(catalog.schema())))
          .location();
    } catch (
        Exception
            e) { // NoSuchTableException and NoSuchNamespaceException are checked in Java's eyes
      throw new IllegalStateException(
          "Table " + identifier(tableName) + " was created but is not in the catalog", e);
    }
  }

  private static boolean samePath(Path a, Path b) {
    return a.toUri().getPath().equals(b.toUri().getPath());
  }
}

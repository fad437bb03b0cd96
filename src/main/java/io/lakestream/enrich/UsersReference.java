package io.lakestream.enrich;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import io.delta.tables.DeltaTable;
import io.lakestream.config.CatalogSettings;
import io.lakestream.config.ConfigException;
import io.lakestream.config.ConfigKeys;
import io.lakestream.config.EnrichSettings;
import io.lakestream.config.VolumeLayout;
import io.lakestream.stage.NormalizeIdentifiers;
import io.lakestream.table.DeltaTables;
import io.lakestream.table.SchedulerPools;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users reference table that silver events are enriched from ({@code enrich.users.table}): a
 * Delta table with the key {@code user_id}, {@code updated_at}, and the columns to add.
 *
 * <p>Where it lives: a path or URI is a Delta folder; a qualified name ({@code schema.table},
 * {@code catalog.schema.table}) is a catalog table; a plain name is a table of the pipeline's
 * schema, which in local catalog mode is the folder {@code <volume.tables>/<name>} like every other
 * table. Everything that can be wrong with it (missing, unreadable, no key) is found by {@link
 * #prepare} at start-up, never in a batch.
 */
public final class UsersReference {

  /** The columns of a table made from {@code enrich.users.seed}. */
  public static final StructType SEED_SCHEMA =
      StructType.fromDDL(
          "user_id STRING, country STRING, plan STRING, signup_date DATE, updated_at TIMESTAMP");

  /** Column names the enrichment join uses on the reference side; dropped after the join. */
  static final String JOIN_KEY = "_reference_user_id";

  static final String MATCHED = "_reference_matched";

  private static final Logger LOG = LoggerFactory.getLogger(UsersReference.class);

  private final SparkSession spark;
  private final EnrichSettings settings;
  private final CatalogSettings catalog;
  private final VolumeLayout volume;

  public UsersReference(
      SparkSession spark, EnrichSettings settings, CatalogSettings catalog, VolumeLayout volume) {
    this.spark = spark;
    this.settings = settings;
    this.catalog = catalog;
    this.volume = volume;
  }

  /** What the app calls the table in its messages: its path or its full name. */
  public String displayName() {
    return folder() != null ? folder() : identifier();
  }

  /**
   * Creates the table from {@code enrich.users.seed} if it does not exist (and a seed is set),
   * registers it, and checks its columns.
   *
   * @return the added columns with their types, in {@code enrich.users.columns} order
   * @throws ConfigException naming {@code enrich.users.table} if the table is missing, unreadable
   *     or lacks a column
   */
  public StructType prepare() {
    if (!exists()) {
      if (settings.seed().isEmpty()) {
        throw problem(
            "the table does not exist. Create it (columns user_id, updated_at and "
                + String.join(", ", settings.columns())
                + "), point enrich.users.table at yours, set "
                + ConfigKeys.ENRICH_USERS_SEED.name()
                + " to a JSON-lines file to load it from, or set enrich.enabled=false");
      }
      createFromSeed(settings.seed().get());
    } else if (ownFolderTable()) {
      register();
    }
    StructType schema;
    try {
      schema = read().schema();
    } catch (RuntimeException e) {
      throw problem("the table cannot be read: " + firstLine(e));
    }
    List<String> names = Arrays.asList(schema.fieldNames());
    List<String> missing = new ArrayList<>();
    for (String name : required()) {
      if (!names.contains(name)) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw problem(
          "the table has no column "
              + String.join(", ", missing)
              + " (needed: "
              + EnrichSettings.KEY
              + " is the key, "
              + EnrichSettings.UPDATED_AT
              + " picks the row of a key held twice, the others are "
              + ConfigKeys.ENRICH_USERS_COLUMNS.name()
              + "); it has "
              + String.join(", ", names));
    }
    StructType added = new StructType();
    for (String name : settings.columns()) {
      StructField field = schema.apply(name);
      added = added.add(field.name(), field.dataType(), true);
    }
    return added;
  }

  /**
   * The table as the join reads it, at its latest version when the plan runs (each micro-batch):
   * one row per normalized key, the one with the latest {@code updated_at} (ties broken on the
   * values, so every batch picks the same), with the key renamed to {@link #JOIN_KEY} and a {@link
   * #MATCHED} marker.
   */
  public Dataset<Row> latest() {
    Column key = NormalizeIdentifiers.category(col(EnrichSettings.KEY).cast("string"));
    List<Column> values = settings.columns().stream().map(name -> col(name)).toList();
    Column order = to_json(struct(values.toArray(Column[]::new)));
    Dataset<Row> keyed =
        read().filter(col(EnrichSettings.KEY).isNotNull()).withColumn(JOIN_KEY, key);
    Dataset<Row> ranked =
        keyed.withColumn(
            "_reference_rank",
            row_number()
                .over(
                    Window.partitionBy(JOIN_KEY)
                        .orderBy(col(EnrichSettings.UPDATED_AT).desc_nulls_last(), order.asc())));
    List<Column> selected = new ArrayList<>();
    selected.add(col(JOIN_KEY));
    selected.addAll(values);
    selected.add(lit(true).as(MATCHED));
    return ranked.filter(col("_reference_rank").equalTo(1)).select(selected.toArray(Column[]::new));
  }

  /**
   * Lists the table's files once now, so the first micro-batch that joins it finds Delta's state of
   * its latest version already computed (a Spark job of some 0.7 s on a fresh JVM, otherwise spent
   * planning silver's first batch). A later version is read as usual.
   */
  public void loadLatestSnapshot() {
    read().count();
  }

  /**
   * {@link #loadLatestSnapshot} on a thread of its own, in its own scheduler pool; if it fails, the
   * batch that joins the table reads it itself (and reports what is wrong).
   */
  public void loadLatestSnapshotInBackground() {
    Thread thread =
        new Thread(
            () -> {
              SchedulerPools.use(spark, SchedulerPools.REFERENCE);
              try {
                loadLatestSnapshot();
              } catch (RuntimeException e) {
                LOG.debug("Could not read {} ahead of silver", displayName(), e);
              }
            },
            "lakestream-reference-loader");
    thread.setDaemon(true);
    thread.start();
  }

  private List<String> required() {
    List<String> required = new ArrayList<>(List.of(EnrichSettings.KEY, EnrichSettings.UPDATED_AT));
    required.addAll(settings.columns());
    return required;
  }

  private Dataset<Row> read() {
    return folder() != null
        ? spark.read().format("delta").load(folder())
        : spark.table(identifier());
  }

  private boolean exists() {
    try {
      return folder() != null
          ? DeltaTable.isDeltaTable(spark, folder())
          : spark.catalog().tableExists(identifier());
    } catch (RuntimeException e) {
      throw problem("cannot tell whether the table exists: " + firstLine(e));
    }
  }

  private void createFromSeed(String seed) {
    Dataset<Row> rows;
    try {
      rows = spark.read().schema(SEED_SCHEMA).option("mode", "FAILFAST").json(seed);
    } catch (Exception e) { // the path is not there (an AnalysisException: checked, from Scala)
      throw unreadableSeed(seed, e);
    }
    // FAILFAST fails when the rows are read, here by the write: Delta then commits nothing and the
    // next start tries again. One pass over the seed, not a cached count before the write.
    try {
      if (folder() != null) {
        rows.write().format("delta").mode("errorifexists").save(folder());
        if (ownFolderTable()) {
          register();
        }
      } else {
        rows.write().format("delta").saveAsTable(identifier());
      }
    } catch (Exception e) { // Spark's own exceptions are checked ones, thrown from Scala
      // Was it the seed? Delta's writer does not pass the reader's error on: read it alone.
      try {
        rows.write().format("noop").mode("overwrite").save();
      } catch (Exception unreadable) {
        throw unreadableSeed(seed, unreadable);
      }
      throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
    }
    LOG.info("Created {} from {}", displayName(), seed);
  }

  private static ConfigException unreadableSeed(String seed, Exception e) {
    return new ConfigException(
        ConfigKeys.ENRICH_USERS_SEED.name()
            + " = '"
            + seed
            + "': cannot be read as JSON lines with columns "
            + SEED_SCHEMA.toDDL()
            + ": "
            + firstLine(e));
  }

  /** Registers a table of the pipeline's schema that lives in its folder (local catalog mode). */
  private void register() {
    new DeltaTables(spark, catalog, volume).register(identifier(), folder());
  }

  /** The Delta folder, or null for a catalog table. */
  private String folder() {
    if (settings.usersTableIsPath()) {
      return settings.usersTable();
    }
    if (ownFolderTable()) {
      return volume.tableFolder(settings.usersTable());
    }
    return null;
  }

  /**
   * A plain name in local catalog mode: a folder under volume.tables, registered by name like the
   * others.
   */
  private boolean ownFolderTable() {
    return !settings.usersTableIsPath()
        && !isQualifiedName()
        && catalog.mode() == CatalogSettings.Mode.LOCAL;
  }

  private boolean isQualifiedName() {
    return !settings.usersTableIsPath() && settings.usersTable().contains(".");
  }

  private String identifier() {
    return isQualifiedName()
        ? settings.usersTable()
        : catalog.tableIdentifier(settings.usersTable());
  }

  private ConfigException problem(String why) {
    return new ConfigException(
        ConfigKeys.ENRICH_USERS_TABLE.name()
            + " = '"
            + settings.usersTable()
            + "' ("
            + displayName()
            + "): "
            + why);
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}

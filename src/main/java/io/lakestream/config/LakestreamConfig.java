package io.lakestream.config;

import io.lakestream.trigger.TriggerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.types.StructType;

/**
 * The whole, validated configuration of one run. Immutable; built once at start-up by {@link #from}, which
 * throws a {@link ConfigException} listing every problem before Spark starts any query.
 */
public record LakestreamConfig(
    String appName,
    Optional<String> master,
    VolumeLayout volume,
    CatalogSettings catalog,
    IngestSettings ingest,
    TriggerSpec trigger) {

  /** lakestream's own columns start with this; event schema columns must not. */
  public static final String RESERVED_PREFIX = "_";

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Types and validates the resolved values. */
  public static LakestreamConfig from(RawConfig raw) {
    ConfigReader reader = new ConfigReader(raw);

    String appName = reader.optional(ConfigKeys.APP_NAME).orElse("lakestream");
    Optional<String> master = reader.optional(ConfigKeys.MASTER);
    CatalogSettings catalog = readCatalog(reader);
    VolumeLayout volume = readVolume(reader, catalog);
    IngestSettings ingest = readIngest(reader);
    Optional<TriggerSpec> trigger = reader.parsed(ConfigKeys.TRIGGER, TriggerSpec::parse);

    reader.throwIfProblems();
    return new LakestreamConfig(appName, master, volume, catalog, ingest, trigger.orElseThrow());
  }

  private static CatalogSettings readCatalog(ConfigReader reader) {
    CatalogSettings.Mode mode =
        reader
            .parsed(
                ConfigKeys.CATALOG_MODE,
                text -> {
                  try {
                    return CatalogSettings.Mode.valueOf(text.toUpperCase(Locale.ROOT));
                  } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown catalog mode");
                  }
                })
            .orElse(CatalogSettings.Mode.LOCAL);
    Optional<String> schema = identifier(reader, ConfigKeys.CATALOG_SCHEMA);
    Optional<String> catalogName = identifier(reader, ConfigKeys.CATALOG_NAME);
    Optional<String> volumeName = identifier(reader, ConfigKeys.CATALOG_VOLUME);
    if (mode == CatalogSettings.Mode.UNITY) {
      String when = " when catalog.mode=unity";
      catalogName = catalogName.or(() -> reader.required(ConfigKeys.CATALOG_NAME, when));
      volumeName = volumeName.or(() -> reader.required(ConfigKeys.CATALOG_VOLUME, when));
    } else {
      // The session catalog has no catalog level and no volumes; a set value would be silently ignored.
      if (catalogName.isPresent()) {
        reader.invalid(ConfigKeys.CATALOG_NAME, "only used when catalog.mode=unity");
      }
      if (volumeName.isPresent()) {
        reader.invalid(ConfigKeys.CATALOG_VOLUME, "only used when catalog.mode=unity");
      }
      catalogName = Optional.empty();
      volumeName = Optional.empty();
    }
    return new CatalogSettings(mode, catalogName, schema.orElse("streaming_workspace"), volumeName);
  }

  private static Optional<String> identifier(ConfigReader reader, ConfigKey key) {
    return reader.parsed(
        key,
        text -> {
          if (!IDENTIFIER.matcher(text).matches()) {
            throw new IllegalArgumentException("not an identifier (letters, digits and _)");
          }
          return text;
        });
  }

  private static VolumeLayout readVolume(ConfigReader reader, CatalogSettings catalog) {
    Optional<String> root = reader.optional(ConfigKeys.VOLUME_ROOT);
    if (root.isEmpty() && catalog.mode() == CatalogSettings.Mode.UNITY) {
      if (catalog.catalog().isPresent() && catalog.volume().isPresent()) {
        root =
            Optional.of(
                "/Volumes/" + catalog.catalog().get() + "/" + catalog.schema() + "/" + catalog.volume().get());
      }
    } else if (root.isEmpty()) {
      root = reader.required(ConfigKeys.VOLUME_ROOT, " when catalog.mode=local");
    }
    if (root.isEmpty()) {
      return null;
    }
    String base = VolumeLayout.normalize(root.get());
    Map<ConfigKey, String> folders = new LinkedHashMap<>();
    folders.put(ConfigKeys.LANDING_DIR, "landing");
    folders.put(ConfigKeys.ARCHIVE_DIR, "archive");
    folders.put(ConfigKeys.CHECKPOINTS_DIR, "checkpoints");
    folders.put(ConfigKeys.QUARANTINE_DIR, "quarantine");
    folders.put(ConfigKeys.TABLES_DIR, "tables");
    List<String> resolved = new ArrayList<>();
    folders.forEach(
        (key, defaultName) ->
            resolved.add(
                reader
                    .optional(key)
                    .map(VolumeLayout::normalize)
                    .orElse(VolumeLayout.child(base, defaultName))));
    VolumeLayout layout =
        new VolumeLayout(base, resolved.get(0), resolved.get(1), resolved.get(2), resolved.get(3), resolved.get(4));

    // Spark's file source lists the landing folder recursively: anything written below it is read back.
    List<ConfigKey> keys = List.copyOf(folders.keySet());
    for (int i = 1; i < keys.size(); i++) {
      if (VolumeLayout.isInside(resolved.get(i), layout.landing())) {
        reader.invalid(
            keys.get(i),
            "'" + resolved.get(i) + "' is inside volume.landing '" + layout.landing()
                + "', so the pipeline would ingest its own output");
      } else if (VolumeLayout.isInside(layout.landing(), resolved.get(i))) {
        reader.invalid(
            keys.get(i),
            "'" + resolved.get(i) + "' contains volume.landing '" + layout.landing()
                + "'; the two folders must be separate");
      }
    }
    return layout;
  }

  private static IngestSettings readIngest(ConfigReader reader) {
    Optional<StructType> schema = reader.parsed(ConfigKeys.INGEST_SCHEMA, LakestreamConfig::parseEventSchema);
    OptionalInt maxFiles = reader.positiveInt(ConfigKeys.MAX_FILES_PER_TRIGGER);
    OptionalLong maxBytes = reader.positiveSize(ConfigKeys.MAX_BYTES_PER_TRIGGER);
    OptionalLong maxRecordBytes = reader.positiveSize(ConfigKeys.MAX_RECORD_SIZE);
    boolean rescue = reader.bool(ConfigKeys.RESCUE_UNKNOWN_FIELDS).orElse(true);
    if (maxFiles.isPresent() && maxBytes.isPresent()) {
      reader.invalid(
          ConfigKeys.MAX_BYTES_PER_TRIGGER,
          "Spark's file source cannot limit by files and bytes at once; remove "
              + ConfigKeys.MAX_FILES_PER_TRIGGER.name() + " or this key");
    }
    return new IngestSettings(schema.orElse(null), maxFiles, maxBytes, maxRecordBytes.orElse(1L << 20), rescue);
  }

  static StructType parseEventSchema(String ddl) {
    StructType schema;
    try {
      schema = StructType.fromDDL(ddl);
    } catch (Exception e) { // Spark's ParseException is a checked exception thrown from Scala
      throw new IllegalArgumentException("not a valid DDL column list (" + firstLine(e.getMessage()) + ")");
    }
    if (schema.fields().length == 0) {
      throw new IllegalArgumentException("the schema has no columns");
    }
    for (StructField field : schema.fields()) {
      if (field.name().startsWith(RESERVED_PREFIX)) {
        throw new IllegalArgumentException(
            "column '" + field.name() + "' starts with '" + RESERVED_PREFIX + "', which is reserved for lakestream's own columns");
      }
      if (!isAtomic(field.dataType())) {
        throw new IllegalArgumentException(
            "column '" + field.name() + "' has type " + field.dataType().sql() + "; only atomic types are supported"
                + " (STRING, numbers, BOOLEAN, DATE, TIMESTAMP, DECIMAL)");
      }
    }
    return schema;
  }

  private static boolean isAtomic(DataType type) {
    return type instanceof StringType
        || type instanceof NumericType
        || type instanceof BooleanType
        || type instanceof DateType
        || type instanceof TimestampType
        || type instanceof TimestampNTZType;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unparseable";
    }
    return message.strip().lines().findFirst().orElse("unparseable");
  }
}

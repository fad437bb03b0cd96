package io.lakestream.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Where tables are registered. In {@link Mode#LOCAL} tables are Delta folders under the volume's
 * tables folder, registered by name in the session catalog; in {@link Mode#UNITY} they are Unity
 * Catalog managed tables named {@code <catalog>.<schema>.<table>}, and the volume itself is created
 * in the catalog.
 */
public record CatalogSettings(
    Mode mode, Optional<String> catalog, String schema, Optional<String> volume) {

  public enum Mode {
    LOCAL,
    UNITY
  }

  /**
   * The schema as a SQL identifier, e.g. {@code `streaming_workspace`} or {@code
   * `main`.`streaming_workspace`}.
   */
  public String schemaIdentifier() {
    return catalog.map(name -> quote(name) + ".").orElse("") + quote(schema);
  }

  /** A table's SQL identifier, e.g. {@code `streaming_workspace`.`bronze_events`}. */
  public String tableIdentifier(String table) {
    return schemaIdentifier() + "." + quote(table);
  }

  /** The Unity Catalog volume as a SQL identifier; only in unity mode. */
  public String volumeIdentifier() {
    return schemaIdentifier() + "." + quote(volume.orElseThrow());
  }

  private static String quote(String identifier) {
    return SqlText.identifier(identifier);
  }

  static CatalogSettings read(ConfigReader reader) {
    CatalogSettings.Mode mode =
        reader.parsedOrDefault(
            ConfigKeys.CATALOG_MODE,
            text -> {
              try {
                return CatalogSettings.Mode.valueOf(text.toUpperCase(Locale.ROOT));
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown catalog mode");
              }
            });
    String schema = reader.identifierOrDefault(ConfigKeys.CATALOG_SCHEMA);
    Optional<String> catalogName = reader.identifier(ConfigKeys.CATALOG_NAME);
    Optional<String> volumeName = reader.identifier(ConfigKeys.CATALOG_VOLUME);
    if (mode == CatalogSettings.Mode.UNITY) {
      String when = " when catalog.mode=unity";
      catalogName = catalogName.or(() -> reader.required(ConfigKeys.CATALOG_NAME, when));
      volumeName = volumeName.or(() -> reader.required(ConfigKeys.CATALOG_VOLUME, when));
    } else {
      // The session catalog has no catalog level and no volumes; a set value would be silently
      // ignored.
      if (catalogName.isPresent()) {
        reader.invalid(ConfigKeys.CATALOG_NAME, "only used when catalog.mode=unity");
      }
      if (volumeName.isPresent()) {
        reader.invalid(ConfigKeys.CATALOG_VOLUME, "only used when catalog.mode=unity");
      }
      catalogName = Optional.empty();
      volumeName = Optional.empty();
    }
    return new CatalogSettings(mode, catalogName, schema, volumeName);
  }
}

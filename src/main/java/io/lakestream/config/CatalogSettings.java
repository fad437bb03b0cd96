package io.lakestream.config;

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
}

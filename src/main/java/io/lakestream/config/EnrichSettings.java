package io.lakestream.config;

import java.util.List;
import java.util.Optional;

/**
 * Enrichment of silver events with the users reference table.
 *
 * @param usersTable a table name (in catalog.schema unless qualified) or a Delta folder path or URI
 * @param columns the reference columns added to silver_events, in this order
 * @param seed a JSON-lines file the set-up loads into {@code usersTable} when that table does not
 *     exist yet
 */
public record EnrichSettings(
    boolean enabled, String usersTable, List<String> columns, Optional<String> seed) {

  /** The reference table's key, matched against the event's normalized user_id. */
  public static final String KEY = "user_id";

  /** Of two rows with one key, the one with the latest value here is used. */
  public static final String UPDATED_AT = "updated_at";

  public static final String DEFAULT_TABLE = "ref_users";

  public EnrichSettings {
    columns = List.copyOf(columns);
  }

  public static EnrichSettings off() {
    return new EnrichSettings(false, DEFAULT_TABLE, List.of(), Optional.empty());
  }

  /** A folder rather than a catalog name: it holds a path separator or a URI scheme. */
  public boolean usersTableIsPath() {
    return usersTable.contains("/") || usersTable.contains(":");
  }
}

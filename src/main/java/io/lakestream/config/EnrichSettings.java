package io.lakestream.config;

import java.util.ArrayList;
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

  static EnrichSettings read(
      ConfigReader reader, org.apache.spark.sql.types.StructType eventSchema) {
    boolean enabled = reader.boolOrDefault(ConfigKeys.ENRICH_ENABLED);
    String table = reader.textOrDefault(ConfigKeys.ENRICH_USERS_TABLE);
    Optional<String> seed = reader.optional(ConfigKeys.ENRICH_USERS_SEED);
    if (!enabled) {
      // Off: silver gets no such columns, so a default list that meets an event column is no
      // conflict.
      return new EnrichSettings(false, table, List.of(), seed);
    }
    List<String> columns =
        reader
            .parsed(
                ConfigKeys.ENRICH_USERS_COLUMNS,
                text -> {
                  List<String> names = new ArrayList<>();
                  for (String part : text.split(",", -1)) {
                    String name = part.trim();
                    if (!ConfigReader.IDENTIFIER.matcher(name).matches()) {
                      throw new IllegalArgumentException(
                          "'" + name + "' is not a column name (letters, digits and _)");
                    }
                    if (names.contains(name)) {
                      throw new IllegalArgumentException(name + " is listed twice");
                    }
                    if (name.equals(EnrichSettings.KEY)
                        || (eventSchema != null && eventSchema.getFieldIndex(name).isDefined())
                        || name.startsWith(LakestreamConfig.RESERVED_PREFIX)
                        || name.equals("event_date")) {
                      throw new IllegalArgumentException(
                          name + " is already a silver_events column");
                    }
                    names.add(name);
                  }
                  return names;
                })
            // An invalid list is a problem already recorded: the configuration is refused.
            .orElse(List.of());
    return new EnrichSettings(true, table, columns, seed);
  }
}

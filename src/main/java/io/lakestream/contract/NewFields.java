package io.lakestream.contract;

import io.lakestream.config.SchemaEvolution;
import java.io.Serializable;
import java.util.Set;

/**
 * What the bronze writer does with fields outside the contract ({@code ingest.schema_evolution});
 * for {@code add_new_columns}, where it records them and which names are taken by the tables'
 * columns.
 *
 * @param takenNames lower-case names of every column of bronze_events and silver_events
 * @param nested what a new field holding objects or arrays becomes (ingest.nested)
 */
public record NewFields(
    SchemaEvolution mode,
    ContractHistory history,
    Set<String> takenNames,
    io.lakestream.config.NestedValues nested)
    implements Serializable {

  public NewFields {
    takenNames = Set.copyOf(takenNames);
  }

  /** A mode that records nothing (rescue, fail_on_new_columns, none). */
  public static NewFields of(SchemaEvolution mode) {
    if (mode == SchemaEvolution.ADD_NEW_COLUMNS) {
      throw new IllegalArgumentException("add_new_columns needs the contract's history");
    }
    return new NewFields(mode, null, Set.of(), io.lakestream.config.NestedValues.STRING);
  }
}

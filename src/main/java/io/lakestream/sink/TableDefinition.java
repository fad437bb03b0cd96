package io.lakestream.sink;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/** An output table: its name (without schema), columns and partition columns. */
public record TableDefinition(String name, StructType schema, List<String> partitionColumns) {

  public TableDefinition {
    partitionColumns = List.copyOf(partitionColumns);
  }
}

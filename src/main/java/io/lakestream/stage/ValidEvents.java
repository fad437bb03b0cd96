package io.lakestream.stage;

import static org.apache.spark.sql.functions.col;

import io.lakestream.table.BronzeTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** Bronze rows that passed every quality rule, with the event columns and their lineage only. */
public final class ValidEvents implements Stage {

  private final StructType eventSchema;

  public ValidEvents(StructType eventSchema) {
    this.eventSchema = eventSchema;
  }

  @Override
  public Dataset<Row> apply(Dataset<Row> bronze) {
    List<Column> columns = new ArrayList<>();
    Arrays.stream(eventSchema.fieldNames()).forEach(name -> columns.add(col(name)));
    columns.add(col(BronzeTable.RESCUED_DATA));
    columns.add(col(BronzeTable.SOURCE_FILE));
    columns.add(col(BronzeTable.INGESTED_AT));
    return bronze
        .where(col(BronzeTable.QUARANTINE_REASON).isNull())
        .select(columns.toArray(Column[]::new));
  }
}

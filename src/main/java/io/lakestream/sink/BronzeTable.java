package io.lakestream.sink;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bronze_events}: every record read from the landing folder, as parsed with the event schema, plus
 * lineage columns. A record that does not parse keeps its raw text in {@code _corrupt_record} (its event
 * columns are null or partial), so nothing read is lost.
 */
public final class BronzeTable {

  public static final String NAME = "bronze_events";
  public static final String CORRUPT_RECORD = "_corrupt_record";
  public static final String SOURCE_FILE = "_source_file";
  public static final String INGESTED_AT = "_ingested_at";
  public static final String BATCH_ID = "_batch_id";

  private BronzeTable() {}

  public static TableDefinition definition(StructType eventSchema) {
    StructType schema =
        eventSchema
            .add(CORRUPT_RECORD, DataTypes.StringType)
            .add(SOURCE_FILE, DataTypes.StringType)
            .add(INGESTED_AT, DataTypes.TimestampType)
            .add(BATCH_ID, DataTypes.LongType);
    return new TableDefinition(NAME, schema, List.of());
  }
}

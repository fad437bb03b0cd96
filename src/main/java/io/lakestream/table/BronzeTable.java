package io.lakestream.table;

import io.lakestream.config.LakestreamConfig;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bronze_events}: every non-blank line read from the landing folder, typed with the event
 * schema as far as it goes, with its raw text, the fields outside the contract, what (if anything)
 * kept it from parsing, and lineage columns. Nothing read is lost; the silver stage decides what is
 * valid.
 */
public final class BronzeTable {

  public static final String NAME = "bronze_events";
  public static final String RESCUED_DATA = "_rescued_data";
  public static final String QUARANTINE_REASON = "_quarantine_reason";
  public static final String QUARANTINE_DETAIL = "_quarantine_detail";
  public static final String RAW_RECORD = "_raw_record";
  public static final String SOURCE_FILE = "_source_file";
  public static final String INGESTED_AT = "_ingested_at";
  public static final String BATCH_ID = "_batch_id";

  private BronzeTable() {}

  public static TableDefinition definition(StructType eventSchema) {
    StructType schema =
        eventSchema
            .add(RESCUED_DATA, DataTypes.StringType)
            .add(QUARANTINE_REASON, DataTypes.StringType)
            .add(QUARANTINE_DETAIL, DataTypes.StringType)
            .add(RAW_RECORD, DataTypes.StringType)
            .add(SOURCE_FILE, DataTypes.StringType)
            .add(INGESTED_AT, DataTypes.TimestampType)
            .add(BATCH_ID, DataTypes.LongType);
    // Statistics only where they are used: each batch reads its own rows back by _batch_id (see
    // BronzeBatchWriter). Min/max of long text columns such as _raw_record would cost every write
    // and serve nothing.
    return new TableDefinition(
            NAME, schema, List.of(), TableDefinition.statisticsOnly(BATCH_ID, INGESTED_AT))
        .withProperties(TableDefinition.withoutDictionary(LakestreamConfig.EVENT_ID));
  }
}

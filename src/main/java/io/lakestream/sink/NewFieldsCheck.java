package io.lakestream.sink;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.lakestream.contract.ContractHistory;
import io.lakestream.contract.NewFields;
import io.lakestream.fs.SessionHadoopConf;
import io.lakestream.table.BronzeTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fields a bronze batch carries that the event contract lacks, under {@code
 * ingest.schema_evolution}: refused before the batch is written ({@code fail_on_new_columns}), or
 * recorded once it is ({@code add_new_columns}).
 */
final class NewFieldsCheck implements java.io.Serializable {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(NewFieldsCheck.class);

  /** Rescued records read to find and type the new fields of a batch. */
  private static final int NEW_FIELD_SAMPLE = 1_000;

  private final String queryName;
  private final StructType eventSchema;
  private final NewFields newFields;

  NewFieldsCheck(String queryName, StructType eventSchema, NewFields newFields) {
    this.queryName = queryName;
    this.eventSchema = eventSchema;
    this.newFields = newFields;
  }

  /**
   * ingest.schema_evolution=fail_on_new_columns: a look at the batch's rescued fields before
   * anything is written (the batch is read twice in this mode). The batch is not committed, so
   * after ingest.schema gains the fields a restart reads it again, typed.
   */
  void failIfAny(Dataset<Row> classified, long batchId) {
    List<Row> fields =
        classified
            .where(col(BronzeTable.RESCUED_DATA).isNotNull())
            .select(
                functions
                    .explode(functions.json_object_keys(col(BronzeTable.RESCUED_DATA)))
                    .as("field"),
                col(BronzeTable.SOURCE_FILE))
            .groupBy("field")
            .agg(functions.min(BronzeTable.SOURCE_FILE), count(lit(1)))
            .orderBy("field")
            .limit(10)
            .collectAsList();
    if (fields.isEmpty()) {
      return;
    }
    List<String> named = new ArrayList<>();
    for (Row field : fields) {
      named.add(
          "'"
              + field.getString(0)
              + "' ("
              + field.getLong(2)
              + " records, first in "
              + field.getString(1)
              + ")");
    }
    throw new UnknownFieldsException(
        "ingest.schema_evolution=fail_on_new_columns: batch "
            + batchId
            + " of "
            + queryName
            + " holds fields that are not"
            + " in ingest.schema: "
            + String.join(", ", named)
            + (fields.size() == 10 ? " and maybe more" : "")
            + ". Nothing of this batch was written; add them to ingest.schema (or set ingest.schema_evolution=rescue),"
            + " then run again: the batch is read again with the new columns.");
  }

  /**
   * ingest.schema_evolution=add_new_columns: the fields of this batch's rescued data that the
   * contract lacks are recorded (with a type inferred from their values) once the batch is in
   * bronze; the batch keeps them rescued. Read back from bronze, and only when the batch rescued
   * something, so the source is read once. True if the contract grew.
   */
  boolean record(SparkSession spark, long batchId, Dataset<Row> committed) {
    List<Row> rescued =
        committed
            .where(col(BronzeTable.RESCUED_DATA).isNotNull())
            .select(col(BronzeTable.RESCUED_DATA), col(BronzeTable.SOURCE_FILE))
            .limit(NEW_FIELD_SAMPLE)
            .collectAsList();
    ContractHistory.Findings findings =
        ContractHistory.infer(
            rescued, eventSchema, newFields.takenNames(), batchId, newFields.nested());
    findings
        .leftRescued()
        .forEach(
            (name, why) ->
                LOG.warn(
                    "Query {} batch {}: field '{}' stays in {}: {}",
                    queryName,
                    batchId,
                    name,
                    BronzeTable.RESCUED_DATA,
                    why));
    List<ContractHistory.AddedField> added =
        newFields.history().record(SessionHadoopConf.of(spark), eventSchema, findings.fields());
    for (ContractHistory.AddedField field : added) {
      LOG.info(
          "ingest.schema_evolution=add_new_columns: field '{}' added to the event contract as {} (first in {}, batch {} of {});"
              + " this batch keeps its values in {}; the queries restart with the new column before the next batch",
          field.name(),
          field.type().sql(),
          field.firstFile(),
          batchId,
          queryName,
          BronzeTable.RESCUED_DATA);
    }
    return !added.isEmpty();
  }
}

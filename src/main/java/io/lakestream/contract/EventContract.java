package io.lakestream.contract;

import io.lakestream.config.IngestSettings;
import io.lakestream.fs.SessionHadoopConf;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event contract a run works with: {@code ingest.schema} (or, with {@code ingest.schema=infer},
 * the contract inferred once and stored), widened by the fields {@code add_new_columns} recorded
 * (in any mode, once recorded). Read from the files beside bronze's checkpoint each time it is
 * asked, so a run sees what its own bronze batches have just recorded.
 */
public final class EventContract {

  private static final Logger LOG = LoggerFactory.getLogger(EventContract.class);

  private final SparkSession spark;
  private final IngestSettings ingest;
  private final String landing;
  private final ContractHistory history;

  /**
   * @param bronzeCheckpoint bronze's checkpoint folder, beside which the contract's files live
   */
  public EventContract(
      SparkSession spark, IngestSettings ingest, String landing, String bronzeCheckpoint) {
    this.spark = spark;
    this.ingest = ingest;
    this.landing = landing;
    this.history = new ContractHistory(bronzeCheckpoint);
  }

  /** Where add_new_columns records the fields it added. */
  public ContractHistory history() {
    return history;
  }

  /** The contract as recorded now: the configured or inferred one, with every field added. */
  public StructType recorded() {
    Configuration hadoopConf = SessionHadoopConf.of(spark);
    StructType base = ingest.eventSchema();
    if (ingest.inferSchema()) {
      base = history.inferred(hadoopConf).orElseGet(this::inferAndStore);
    }
    return ContractHistory.widen(base, history.added(hadoopConf));
  }

  /** Whether fields were recorded that {@code contract} lacks: queries over it must restart. */
  public boolean grewBeyond(StructType contract) {
    return !recorded().equals(contract);
  }

  /** ingest.schema=infer on a volume without a stored contract: infers it from landing. */
  private StructType inferAndStore() {
    EventSchemaInference.Inferred inferred =
        new EventSchemaInference(spark).infer(landing, ingest.eventSchema(), ingest);
    history.storeInferred(
        SessionHadoopConf.of(spark), inferred.contract(), inferred.files(), inferred.bytes());
    LOG.info(
        "ingest.schema=infer: inferred the event contract from {} files ({} bytes) in {}: {};"
            + " stored in {}/0.json, which every later run reads instead of inferring",
        inferred.files().size(),
        inferred.bytes(),
        landing,
        inferred.contract().toDDL(),
        history.location());
    return inferred.contract();
  }
}

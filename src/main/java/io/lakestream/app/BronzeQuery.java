package io.lakestream.app;

import io.lakestream.archive.BatchArchiving;
import io.lakestream.archive.SourceLogRollover;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.config.LakestreamConfig.Layer;
import io.lakestream.contract.NewFields;
import io.lakestream.fs.SessionHadoopConf;
import io.lakestream.observe.BronzeMetrics;
import io.lakestream.sink.BronzeBatchWriter;
import io.lakestream.sink.QueryStopper;
import io.lakestream.sink.SparkCheckpoint;
import io.lakestream.source.LandingStream;
import io.lakestream.source.SourceLogGeneration;
import io.lakestream.source.StartPoint;
import io.lakestream.stage.EventParser;
import io.lakestream.stage.PartitionValues;
import io.lakestream.stage.QualityRules;
import io.lakestream.stage.Stage;
import io.lakestream.table.BronzeTable;
import io.lakestream.table.DeltaTables;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The bronze query's plan: the landing folder read line by line, each line parsed once against the
 * event contract and classified by the quality rules, each batch written by the bronze writer, then
 * archived and audited.
 *
 * @param sourceLog which file-source log bronze runs on (a new one once the old outgrew its limit)
 * @param newFields what the writer does with fields outside the contract
 * @param atFirstBatch run when the query's first batch begins (silver's users reference is read
 *     meanwhile)
 */
record BronzeQuery(
    SparkSession spark,
    LakestreamConfig config,
    DeltaTables tables,
    Bookkeeping bookkeeping,
    BatchArchiving archiving,
    QueryStopper stopper,
    SourceLogRollover sourceLog,
    NewFields newFields,
    Runnable atFirstBatch) {

  /** The landing read's lines parsed against the contract, with the partition folders' values. */
  private Dataset<Row> parsed(Dataset<Row> lines) {
    Dataset<Row> parsed =
        new EventParser(
                config.ingest().columnsSchema(),
                config.ingest().maxRecordBytes(),
                config.ingest().rescueUnknownFields())
            .parse(lines);
    return PartitionValues.of(config.volume().landing(), config.ingest()).apply(parsed);
  }

  QueryPlan plan() {
    // Classified on the stream (not in the batch writer) so the per-reason counts can be observed.
    Stage classify =
        config.quality().enabled()
            ? new QualityRules(config.quality(), config.ingest().eventSchema())
            : Stage.identity();
    String table = tables.identifier(BronzeTable.NAME);
    String checkpoint = config.volume().checkpointFor(Topology.BRONZE_QUERY);
    StartPoint start = StartPoint.stored(SessionHadoopConf.of(spark), checkpoint);
    SourceLogGeneration generation = sourceLog.prepare();
    return new QueryPlan(
        Topology.BRONZE_QUERY,
        Layer.BRONZE,
        () ->
            parsed(
                new LandingStream(
                        config.volume().landing(),
                        config.ingest(),
                        config.archiveMode(),
                        config.volume().archive(),
                        start)
                    .read(spark)),
        classify.then(BronzeMetrics::observe),
        OutputMode.Append(),
        txnIdentity ->
            new BronzeBatch(
                Topology.BRONZE_QUERY,
                table,
                new BronzeBatchWriter(
                    Topology.BRONZE_QUERY,
                    config.quality(),
                    config.ingest().columnsSchema(),
                    table,
                    bookkeeping.quarantineOutbox(),
                    txnIdentity,
                    config.haltAt(),
                    newFields,
                    stopper,
                    SparkSessions.defaultParallelism(spark)),
                archiving,
                bookkeeping.audit(Topology.BRONZE_QUERY),
                config.haltAt(),
                new DamagedFilesAside(
                    Topology.BRONZE_QUERY,
                    generation,
                    lines -> classify.apply(parsed(lines)),
                    config.ingest(),
                    start),
                atFirstBatch,
                generation,
                sparkBatchId -> {
                  if (sourceLog.outgrownAfter(sparkBatchId)) {
                    stopper.stopFromAnotherThread(Topology.BRONZE_QUERY);
                  }
                }),
        Map.of(),
        Optional.of(new SparkCheckpoint(generation.checkpoint(), generation.firstBatchId())),
        // Trigger.Once runs the batch a checkpoint has planned and no other (deprecated for its
        // rate limits, which this does not need).
        sourceLog.finishingPendingBatch() ? Optional.of(Trigger.Once()) : Optional.empty());
  }
}

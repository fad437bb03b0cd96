package io.lakestream.app;

import io.lakestream.archive.ArchiveLog;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.sink.AuditLog;
import io.lakestream.table.DeltaTables;
import io.lakestream.table.TableOutbox;
import io.lakestream.table.Tables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Where the bookkeeping rows of a run wait and how they reach their tables: each query saves its
 * rows for audit_batches (and bronze its rows for archive_log and quarantine_events) in an outbox
 * beside its checkpoint, and every outbox of a table shares one flush state, so its bulk appends
 * happen exactly once (see {@link TableOutbox}).
 */
final class Bookkeeping {

  private final SparkSession spark;
  private final LakestreamConfig config;
  private final DeltaTables tables;

  Bookkeeping(SparkSession spark, LakestreamConfig config, DeltaTables tables) {
    this.spark = spark;
    this.config = config;
    this.tables = tables;
  }

  /** The audit_batches rows of one query. */
  AuditLog audit(String queryName) {
    return new AuditLog(
        tables.identifier(Tables.AUDIT_BATCHES),
        outboxFolder(queryName, Tables.AUDIT_BATCHES),
        flushState(Tables.AUDIT_BATCHES));
  }

  /** The archive_log rows, which bronze's archiving writes. */
  ArchiveLog archiveLog() {
    return new ArchiveLog(
        spark,
        tables.identifier(Tables.ARCHIVE_LOG),
        outboxFolder(Topology.BRONZE_QUERY, Tables.ARCHIVE_LOG),
        flushState(Tables.ARCHIVE_LOG));
  }

  /** The quarantine_events rows, which the bronze writer collects. */
  TableOutbox quarantineOutbox() {
    return new TableOutbox(
        outboxFolder(Topology.BRONZE_QUERY, Tables.QUARANTINE_EVENTS),
        tables.identifier(Tables.QUARANTINE_EVENTS),
        Tables.quarantine().schema(),
        Tables.QUARANTINE_KEY,
        flushState(Tables.QUARANTINE_EVENTS));
  }

  /**
   * Appends every query's saved rows, including those a crashed run left; at the start and end of a
   * run. A due flush under way in the background finishes first; this one appends what is left.
   */
  void flushAll() {
    TableOutbox.awaitBackgroundFlushes();
    TableOutbox.flushAll(spark, outboxes());
  }

  private List<TableOutbox> outboxes() {
    List<TableOutbox> outboxes = new ArrayList<>();
    for (String query : Topology.QUERIES) {
      outboxes.add(audit(query).outbox());
    }
    outboxes.add(archiveLog().outbox());
    outboxes.add(quarantineOutbox());
    return outboxes;
  }

  /** Where a query's rows for a bookkeeping table wait for their bulk append. */
  private String outboxFolder(String queryName, String table) {
    return config.volume().checkpointFor(queryName) + "/lakestream-outbox/" + table;
  }

  /**
   * The table's outbox flush state (its Delta txnAppId and the flush under way), shared by every
   * query.
   */
  private String flushState(String table) {
    return config.volume().checkpoints() + "/_lakestream_outbox/" + table + ".json";
  }
}

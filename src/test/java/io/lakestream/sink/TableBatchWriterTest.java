package io.lakestream.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.app.Pipeline;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.table.Tables;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A replayed micro-batch (same txnAppId and batch id) must not change a table a second time. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TableBatchWriterTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  private Dataset<Row> windows(String... rows) {
    return spark.sql(
        "SELECT TIMESTAMP'2026-11-01 10:00:00' AS window_start, TIMESTAMP'2026-11-01 10:05:00' AS window_end, "
            + "event_type, CAST(event_count AS BIGINT) AS event_count, CAST(users AS BIGINT) AS distinct_users, "
            + "CAST(amount AS DOUBLE) AS total_amount FROM VALUES "
            + String.join(", ", rows)
            + " AS t(event_type, event_count, users, amount)");
  }

  private AuditLog audit;

  /** A writer into a fresh volume's gold_event_counts table, with its own txnAppId. */
  private TableBatchWriter writerInto(
      LakestreamConfig config, TableBatchWriter.Mode mode, List<String> keys) {
    return writerInto(
        config, mode, keys, io.lakestream.table.TxnIdentity.withUnknownHistory("app-" + mode));
  }

  private TableBatchWriter writerInto(
      LakestreamConfig config,
      TableBatchWriter.Mode mode,
      List<String> keys,
      io.lakestream.table.TxnIdentity identity) {
    new Pipeline(spark, config).setUp();
    String table = config.catalog().tableIdentifier(Tables.GOLD_EVENT_COUNTS);
    audit =
        new AuditLog(
            config.catalog().tableIdentifier(Tables.AUDIT_BATCHES),
            root.resolve("outbox-" + mode).toString(),
            root.resolve("audit-flush-" + mode + ".json").toString());
    return new TableBatchWriter("gold_event_counts", table, mode, keys, identity, audit);
  }

  private List<String> table(LakestreamConfig config, String name) {
    return spark
        .table(config.catalog().tableIdentifier(name))
        .orderBy("event_type")
        .collectAsList()
        .stream()
        .map(row -> row.getString(2) + "=" + row.getLong(3))
        .toList();
  }

  @Test
  void mergeSetsCurrentValuesAndAReplayedBatchIsSkipped() {
    LakestreamConfig config = TestConfigs.local(root);
    TableBatchWriter writer =
        writerInto(config, TableBatchWriter.Mode.MERGE, Tables.EVENT_COUNTS_KEY);

    writer.call(windows("('click', 1, 1, 0.0)"), 0L);
    writer.call(windows("('click', 3, 2, 0.0)", "('purchase', 1, 1, 9.0)"), 1L);
    // Batch 1 again, as after a crash before the checkpoint commit, but now with other values:
    // skipped.
    writer.call(windows("('click', 99, 9, 0.0)"), 1L);

    assertThat(table(config, Tables.GOLD_EVENT_COUNTS)).containsExactly("click=3", "purchase=1");
    audit.flush(spark);
    audit.flush(spark);
    // One audit row per batch: the replay replaced batch 1's saved row, and a second flush adds
    // nothing.
    assertThat(spark.table(config.catalog().tableIdentifier(Tables.AUDIT_BATCHES)).count())
        .isEqualTo(2);
    // The idempotency confs do not stay behind in the session.
    assertThat(spark.conf().contains(io.lakestream.table.IdempotentWrites.TXN_APP_ID_CONF))
        .isFalse();
  }

  @Test
  void overwriteReplacesTheTableAndAReplayIsSkipped() {
    LakestreamConfig config = TestConfigs.local(root);
    TableBatchWriter writer = writerInto(config, TableBatchWriter.Mode.OVERWRITE, List.of());

    writer.call(windows("('click', 1, 1, 0.0)", "('view', 1, 1, 0.0)"), 0L);
    writer.call(windows("('click', 2, 1, 0.0)"), 1L);
    writer.call(windows("('click', 50, 1, 0.0)"), 1L);

    assertThat(table(config, Tables.GOLD_EVENT_COUNTS)).containsExactly("click=2");
  }

  @Test
  void appendCountsWhatItWritesAndAnEmptyBatchLeavesNoTrace() {
    LakestreamConfig config = TestConfigs.local(root);
    // Batches 0-2 are new to this query start: counted while written, no cache.
    TableBatchWriter writer =
        writerInto(
            config,
            TableBatchWriter.Mode.APPEND,
            List.of(),
            new io.lakestream.table.TxnIdentity("app-append", 0));

    writer.call(windows("('click', 1, 1, 0.0)", "('view', 2, 1, 0.0)"), 0L);
    writer.call(windows("('click', 1, 1, 0.0)").limit(0), 1L);
    writer.call(windows("('purchase', 4, 1, 9.0)"), 2L);
    // A restart replays batch 2 (its offsets were logged before the start): Delta skips it.
    TableBatchWriter restarted =
        new TableBatchWriter(
            "gold_event_counts",
            config.catalog().tableIdentifier(Tables.GOLD_EVENT_COUNTS),
            TableBatchWriter.Mode.APPEND,
            List.of(),
            new io.lakestream.table.TxnIdentity("app-append", 3),
            audit);
    restarted.call(windows("('purchase', 99, 1, 9.0)"), 2L);

    assertThat(table(config, Tables.GOLD_EVENT_COUNTS))
        .containsExactly("click=1", "purchase=4", "view=2");
    audit.flush(spark);
    assertThat(
            spark
                .table(config.catalog().tableIdentifier(Tables.AUDIT_BATCHES))
                .orderBy("batch_id")
                .selectExpr("CONCAT(batch_id, ':', rows_written)")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly("0:2", "2:1");
  }
}

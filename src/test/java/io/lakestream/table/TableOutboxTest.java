package io.lakestream.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.config.LakestreamConfig;
import io.lakestream.sink.AuditLog;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox appends each saved row exactly once without reading the table: replayed batches, a
 * crash before or after the flush's commit, and folders an older lakestream left behind.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TableOutboxTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  private LakestreamConfig config;
  private String table;
  private String flushState;
  private Configuration hadoopConf;

  @BeforeEach
  void freshVolume() {
    config = TestConfigs.local(root);
    new VolumeSetup(spark, config, List.of(Tables.audit())).run();
    table = config.catalog().tableIdentifier(Tables.AUDIT_BATCHES);
    flushState = root.resolve("checkpoints/_lakestream_outbox/audit_batches.json").toString();
    hadoopConf = spark.sessionState().newHadoopConf();
  }

  private TableOutbox outbox(String query) {
    return new TableOutbox(
        root.resolve("outbox-" + query).toString(),
        table,
        Tables.audit().schema(),
        AuditLog.KEY,
        flushState);
  }

  private static Row row(String query, long batchId, long rowsWritten) {
    return RowFactory.create(
        query,
        batchId,
        rowsWritten,
        rowsWritten,
        0L,
        0L,
        0L,
        0L,
        0L,
        Timestamp.from(Instant.parse("2026-11-01T10:00:00Z")),
        5L);
  }

  /** "query#batch=rows" for every row of the table, sorted. */
  private List<String> tableRows() {
    return spark.table(table).orderBy("query", "batch_id").collectAsList().stream()
        .map(r -> r.getString(0) + "#" + r.getLong(1) + "=" + r.getLong(3))
        .toList();
  }

  private long savedFiles(String query) throws Exception {
    try (Stream<Path> files = Files.list(root.resolve("outbox-" + query))) {
      return files.filter(file -> file.getFileName().toString().endsWith(".rows")).count();
    }
  }

  private OutboxFlushState state() throws Exception {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(flushState);
    return OutboxFlushState.read(file.getFileSystem(hadoopConf), file).orElseThrow();
  }

  /**
   * What a flush saves before it commits: a new app id, version 1, the last batch of each query's
   * outbox.
   */
  private OutboxFlushState savePending(Map<String, Long> upToByQuery) throws Exception {
    Map<String, Long> upTo = new java.util.HashMap<>();
    upToByQuery.forEach(
        (query, batchId) -> upTo.put(root.resolve("outbox-" + query).toString(), batchId));
    OutboxFlushState pending = OutboxFlushState.fresh("audit_batches").begin(upTo);
    org.apache.hadoop.fs.Path stateFile = new org.apache.hadoop.fs.Path(flushState);
    pending.save(stateFile.getFileSystem(hadoopConf), stateFile);
    return pending;
  }

  @Test
  void severalOutboxesOfATableLandInOneCommitAndAReplayedBatchIsNotAppendedAgain()
      throws Exception {
    TableOutbox bronze = outbox("bronze");
    TableOutbox silver = outbox("silver");
    bronze.add(hadoopConf, 0, List.of(row("bronze", 0, 10)));
    bronze.add(hadoopConf, 1, List.of(row("bronze", 1, 11)));
    silver.add(hadoopConf, 0, List.of(row("silver", 0, 20)));

    assertThat(TableOutbox.flushAll(spark, List.of(bronze, silver))).isEqualTo(3);
    assertThat(tableRows()).containsExactly("bronze#0=10", "bronze#1=11", "silver#0=20");
    assertThat(io.delta.tables.DeltaTable.forName(spark, table).history().count())
        .isEqualTo(2); // create + one flush
    assertThat(savedFiles("bronze")).isZero();
    assertThat(state().version()).isEqualTo(1);
    assertThat(state().pending()).isEmpty();
    // The flush committed without Delta's replay check, but with its transaction: a repeat of it
    // (a crash before the state above was saved) is skipped.
    assertThat(DeltaTransactionAppend.recordedVersion(spark, table, state().appId())).contains(1L);
    assertThat(
            io.delta.tables.DeltaTable.forName(spark, table)
                .history()
                .where("operation = 'WRITE'")
                .count())
        .isEqualTo(1);

    // Batch 1 replayed after a crash (its checkpoint commit was lost), then batch 2.
    bronze.add(hadoopConf, 1, List.of(row("bronze", 1, 11)));
    bronze.add(hadoopConf, 2, List.of(row("bronze", 2, 12)));
    assertThat(TableOutbox.flushAll(spark, List.of(bronze, silver))).isEqualTo(1);
    assertThat(tableRows())
        .containsExactly("bronze#0=10", "bronze#1=11", "bronze#2=12", "silver#0=20");
    assertThat(savedFiles("bronze")).isZero();
    assertThat(state().version()).isEqualTo(2);
  }

  @Test
  void aBackgroundFlushQueuedTwiceAppendsOnceAndTheNextOneOnlyTheNewRows() throws Exception {
    TableOutbox bronze = outbox("bronze");
    bronze.add(hadoopConf, 0, List.of(row("bronze", 0, 10)));
    bronze.add(hadoopConf, 1, List.of(row("bronze", 1, 11)));
    bronze.flushInBackground(spark);
    bronze.flushInBackground(spark); // already queued or running: no second flush of the same rows
    TableOutbox.awaitBackgroundFlushes();
    assertThat(tableRows()).containsExactly("bronze#0=10", "bronze#1=11");
    assertThat(io.delta.tables.DeltaTable.forName(spark, table).history().count())
        .isEqualTo(2); // create + one flush
    assertThat(savedFiles("bronze")).isZero();

    // Due again later: the rows saved since, once.
    bronze.add(hadoopConf, 2, List.of(row("bronze", 2, 12)));
    bronze.flushInBackground(spark);
    TableOutbox.awaitBackgroundFlushes();
    assertThat(tableRows()).containsExactly("bronze#0=10", "bronze#1=11", "bronze#2=12");
  }

  @Test
  void aFlushInterruptedAfterItsCommitIsNotAppendedTwice() throws Exception {
    TableOutbox bronze = outbox("bronze");
    bronze.add(hadoopConf, 0, List.of(row("bronze", 0, 10)));
    bronze.add(hadoopConf, 1, List.of(row("bronze", 1, 11), row("bronze", 1, 11)));
    // What a flush that died right after Delta's commit leaves: its pending version, the rows in
    // the table under that version, the files and .flushed-up-to untouched.
    OutboxFlushState pending = savePending(Map.of("bronze", 1L));
    spark
        .createDataFrame(
            List.of(row("bronze", 0, 10), row("bronze", 1, 11), row("bronze", 1, 11)),
            Tables.audit().schema())
        .write()
        .format("delta")
        .mode("append")
        .option("txnAppId", pending.appId())
        .option("txnVersion", pending.version())
        .saveAsTable(table);
    // Batch 2 came after the interrupted flush.
    bronze.add(hadoopConf, 2, List.of(row("bronze", 2, 12)));

    TableOutbox.flushAll(spark, List.of(bronze));

    assertThat(tableRows())
        .containsExactly("bronze#0=10", "bronze#1=11", "bronze#1=11", "bronze#2=12");
    assertThat(savedFiles("bronze")).isZero();
    assertThat(state().pending()).isEmpty();
    assertThat(state().version()).isEqualTo(2);
  }

  @Test
  void aFlushInterruptedBeforeItsCommitAppendsItsRowsOnce() throws Exception {
    TableOutbox bronze = outbox("bronze");
    TableOutbox silver = outbox("silver");
    bronze.add(hadoopConf, 0, List.of(row("bronze", 0, 10)));
    silver.add(hadoopConf, 4, List.of(row("silver", 4, 20)));
    savePending(Map.of("bronze", 0L, "silver", 4L));

    // This run flushes bronze's outbox only; the pending flush still completes for both folders.
    TableOutbox.flushAll(spark, List.of(bronze));

    assertThat(tableRows()).containsExactly("bronze#0=10", "silver#4=20");
    assertThat(savedFiles("bronze")).isZero();
    assertThat(savedFiles("silver")).isZero();
    // A replay of silver's batch 4 is known as appended.
    silver.add(hadoopConf, 4, List.of(row("silver", 4, 20)));
    TableOutbox.flushAll(spark, List.of(silver));
    assertThat(tableRows()).containsExactly("bronze#0=10", "silver#4=20");
  }

  @Test
  void aFolderAnOlderLakestreamWroteIsComparedWithTheTableOnce() throws Exception {
    // An older lakestream: saved files, no .flushed-up-to, and batch 0 already appended before it
    // crashed.
    Path folder = Files.createDirectories(root.resolve("outbox-bronze"));
    Files.writeString(
        folder.resolve("0.rows"), "[\"bronze\",0,10,10,0,0,0,0,0,\"2026-11-01T10:00:00Z\",5]\n");
    Files.writeString(
        folder.resolve("1.rows"), "[\"bronze\",1,11,11,0,0,0,0,0,\"2026-11-01T10:00:00Z\",5]\n");
    spark
        .createDataFrame(List.of(row("bronze", 0, 10)), Tables.audit().schema())
        .write()
        .format("delta")
        .mode("append")
        .saveAsTable(table);

    TableOutbox bronze = outbox("bronze");
    TableOutbox.flushAll(spark, List.of(bronze));
    assertThat(tableRows()).containsExactly("bronze#0=10", "bronze#1=11");
    assertThat(Files.readString(folder.resolve(".flushed-up-to")).trim()).isEqualTo("1");

    bronze.add(hadoopConf, 1, List.of(row("bronze", 1, 11)));
    bronze.add(hadoopConf, 2, List.of(row("bronze", 2, 12)));
    TableOutbox.flushAll(spark, List.of(bronze));
    assertThat(tableRows()).containsExactly("bronze#0=10", "bronze#1=11", "bronze#2=12");
  }
}

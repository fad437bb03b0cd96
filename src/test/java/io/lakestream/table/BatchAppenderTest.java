package io.lakestream.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends that skip Delta's replay check still commit each batch exactly once: the table records
 * every batch's transaction, a replay after a restart is skipped, and only the first append of an
 * appender (or one after a failure) asks the table.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BatchAppenderTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  private String table;
  private final String appId = UUID.randomUUID().toString();

  @BeforeEach
  void freshTable() {
    table = "appender_" + UUID.randomUUID().toString().replace("-", "");
    spark.sql(
        "CREATE TABLE "
            + table
            + " (batch BIGINT, n BIGINT) USING delta LOCATION '"
            + root.resolve(table).toUri()
            + "'");
  }

  private Dataset<Row> batch(long batchId, int rows) {
    return spark.range(rows).selectExpr("CAST(" + batchId + " AS BIGINT) AS batch", "id AS n");
  }

  /** Rows per batch id, e.g. [0=3, 1=3]. */
  private List<String> rowsPerBatch() {
    return spark.table(table).groupBy("batch").count().orderBy("batch").collectAsList().stream()
        .map(r -> r.getLong(0) + "=" + r.getLong(1))
        .toList();
  }

  @Test
  void theBundledDeltaIsTheOneTheUncheckedPathWasVerifiedAgainst() {
    // Fails on a Delta upgrade: check DeltaTransactionAppend against the new release, then bump.
    assertThat(DeltaTransactionAppend.deltaVersion())
        .contains(DeltaTransactionAppend.VERIFIED_DELTA_VERSION);
    assertThat(DeltaTransactionAppend.usable()).isTrue();
  }

  @Test
  void asksOnceThenAppendsWithoutTheCheckAndRecordsEveryBatch() {
    BatchAppender appender = new BatchAppender(table, TxnIdentity.withUnknownHistory(appId));
    for (long batchId = 0; batchId < 4; batchId++) {
      appender.append(batch(batchId, 3), batchId);
    }

    assertThat(rowsPerBatch()).containsExactly("0=3", "1=3", "2=3", "3=3");
    assertThat(appender.lookups()).isEqualTo(1);
    assertThat(appender.uncheckedCommits()).isEqualTo(4);
    assertThat(DeltaTransactionAppend.recordedVersion(spark, table, appId)).contains(3L);
    // Delta's own checking writer sees the recorded transactions: it skips a repeat.
    IdempotentWrites.append(batch(2, 5), table, appId, 2);
    assertThat(rowsPerBatch()).containsExactly("0=3", "1=3", "2=3", "3=3");
  }

  @Test
  void aRestartedQueryReplaysItsLastBatchOnceAndGoesOn() {
    BatchAppender firstRun = new BatchAppender(table, TxnIdentity.withUnknownHistory(appId));
    firstRun.append(batch(0, 2), 0);
    firstRun.append(batch(1, 2), 1);

    // The run dies after batch 1's commit, before Spark logged the batch as done: the next start
    // replays batch 1 with another appender.
    BatchAppender secondRun = new BatchAppender(table, TxnIdentity.withUnknownHistory(appId));
    secondRun.append(batch(1, 2), 1);
    secondRun.append(batch(2, 2), 2);
    secondRun.append(batch(3, 2), 3);

    assertThat(rowsPerBatch()).containsExactly("0=2", "1=2", "2=2", "3=2");
    assertThat(secondRun.lookups()).isEqualTo(1);
    assertThat(secondRun.uncheckedCommits()).isEqualTo(2);
  }

  @Test
  void aBatchRetriedAfterAFailureIsCheckedAgain() {
    BatchAppender appender = new BatchAppender(table, TxnIdentity.withUnknownHistory(appId));
    appender.append(batch(0, 2), 0);
    // A write that fails in the middle (here: a column the table lacks) leaves the appender unsure
    // of what the table holds.
    assertThatThrownBy(() -> appender.append(batch(1, 2).selectExpr("batch", "n", "1 AS extra"), 1))
        .hasMessageContaining("extra");
    appender.append(batch(1, 2), 1);
    appender.append(batch(1, 2), 1);
    appender.append(batch(2, 2), 2);

    assertThat(rowsPerBatch()).containsExactly("0=2", "1=2", "2=2");
    assertThat(appender.lookups()).isEqualTo(2);
  }

  @Test
  void batchesTheQueryStartPlannedItselfAreNeverAskedAbout() {
    BatchAppender appender = new BatchAppender(table, new TxnIdentity(appId, 0));
    for (long batchId = 0; batchId < 3; batchId++) {
      appender.append(batch(batchId, 3), batchId);
    }

    assertThat(rowsPerBatch()).containsExactly("0=3", "1=3", "2=3");
    assertThat(appender.lookups()).isZero();
    assertThat(appender.uncheckedCommits()).isEqualTo(3);
    assertThat(DeltaTransactionAppend.recordedVersion(spark, table, appId)).contains(2L);
  }

  @Test
  void aReplayOfABatchLoggedBeforeTheStartGoesThroughDeltasCheck() {
    new BatchAppender(table, new TxnIdentity(appId, 0)).append(batch(0, 2), 0);
    // The first run committed batch 0 to the table but died before Spark logged it as done; it had
    // also logged batch 1's offsets and died before writing it. The next start replays both.
    BatchAppender committedReplay = new BatchAppender(table, new TxnIdentity(appId, 1));
    committedReplay.append(batch(0, 2), 0);
    BatchAppender uncommittedReplay = new BatchAppender(table, new TxnIdentity(appId, 2));
    uncommittedReplay.append(batch(1, 2), 1);
    uncommittedReplay.append(batch(2, 2), 2);

    assertThat(rowsPerBatch()).containsExactly("0=2", "1=2", "2=2");
    assertThat(committedReplay.uncheckedCommits()).isZero();
    assertThat(uncommittedReplay.uncheckedCommits()).isEqualTo(1);
    assertThat(committedReplay.lookups() + uncommittedReplay.lookups()).isZero();
  }

  @Test
  void afterAFailureEvenAPlannedBatchIsChecked() {
    BatchAppender appender = new BatchAppender(table, new TxnIdentity(appId, 0));
    assertThatThrownBy(() -> appender.append(batch(0, 2).selectExpr("batch", "n", "1 AS extra"), 0))
        .hasMessageContaining("extra");
    appender.append(batch(0, 2), 0);
    appender.append(batch(0, 2), 0);

    assertThat(rowsPerBatch()).containsExactly("0=2");
    assertThat(appender.lookups()).isEqualTo(1);
  }

  @Test
  void rowsShapedOtherwiseThanTheTableGoThroughDeltasOwnWriter() {
    BatchAppender appender = new BatchAppender(table, TxnIdentity.withUnknownHistory(appId));
    // Columns in another order: Delta's writer matches them by name; the unchecked path declines.
    appender.append(batch(0, 2).selectExpr("n", "batch"), 0);
    appender.append(batch(1, 2).selectExpr("CAST(n AS INT) AS n", "batch"), 1);

    assertThat(rowsPerBatch()).containsExactly("0=2", "1=2");
    assertThat(appender.uncheckedCommits()).isZero();
    assertThat(DeltaTransactionAppend.recordedVersion(spark, table, appId)).contains(1L);
  }

  @Test
  void aNewBatchIsCountedWhileWrittenAndAnEmptyOneLeavesNoTrace() throws Exception {
    BatchAppender appender = new BatchAppender(table, new TxnIdentity(appId, 0));
    long versionBefore = tableVersion();

    assertThat(appender.appendCounted(batch(0, 3), 0)).hasValue(3);
    assertThat(appender.appendCounted(batch(1, 0), 1)).hasValue(0);
    assertThat(appender.appendCounted(batch(2, 2).repartition(3), 2)).hasValue(2);

    assertThat(rowsPerBatch()).containsExactly("0=3", "2=2");
    // Two commits: the empty batch committed nothing and its empty file was deleted.
    assertThat(tableVersion()).isEqualTo(versionBefore + 2);
    assertThat(parquetFilesIn(root.resolve(table))).isEqualTo(filesInTable());
    assertThat(appender.lookups()).isZero();
    assertThat(appender.uncheckedCommits()).isEqualTo(2);
    assertThat(DeltaTransactionAppend.recordedVersion(spark, table, appId)).contains(2L);
  }

  @Test
  void aBatchThatMayBeAReplayIsNotCountedWhileWritten() {
    BatchAppender unknownHistory = new BatchAppender(table, TxnIdentity.withUnknownHistory(appId));
    assertThat(unknownHistory.appendCounted(batch(0, 2), 0)).isEmpty();
    unknownHistory.append(batch(0, 2), 0);
    // Once the appender knows what the table holds, the next batch is counted while written.
    assertThat(unknownHistory.appendCounted(batch(1, 2), 1)).hasValue(2);

    BatchAppender afterRestart = new BatchAppender(table, new TxnIdentity(appId, 2));
    assertThat(afterRestart.appendCounted(batch(1, 2), 1)).isEmpty();

    assertThat(rowsPerBatch()).containsExactly("0=2", "1=2");
  }

  @Test
  void anOverwriteOfANewBatchReplacesEverythingEvenAfterAnotherWriterChangedTheTable() {
    BatchAppender appender = new BatchAppender(table, new TxnIdentity(appId, 0));

    assertThat(appender.overwriteCounted(batch(0, 3), 0)).hasValue(3);
    assertThat(appender.overwriteCounted(batch(1, 2).repartition(2), 1)).hasValue(2);
    assertThat(rowsPerBatch()).containsExactly("1=2");
    // Another writer (a compaction, a user) commits in between: the files the last overwrite
    // added are no longer all the table holds, and the next overwrite still replaces everything.
    spark
        .range(4)
        .selectExpr("CAST(77 AS BIGINT) AS batch", "id AS n")
        .write()
        .mode("append")
        .insertInto(table);
    assertThat(appender.overwriteCounted(batch(2, 1), 2)).hasValue(1);
    assertThat(rowsPerBatch()).containsExactly("2=1");
    // An empty batch empties the table and adds no file.
    assertThat(appender.overwriteCounted(batch(3, 0), 3)).hasValue(0);
    assertThat(rowsPerBatch()).isEmpty();
    assertThat(filesInTable()).isZero();

    assertThat(appender.lookups()).isZero();
    assertThat(appender.uncheckedCommits()).isEqualTo(4);
    assertThat(DeltaTransactionAppend.recordedVersion(spark, table, appId)).contains(3L);
    // A replay of a batch logged before the start is left to Delta's checking writer.
    assertThat(new BatchAppender(table, new TxnIdentity(appId, 4)).overwriteCounted(batch(3, 5), 3))
        .isEmpty();
  }

  private long tableVersion() {
    return spark.sql("DESCRIBE HISTORY " + table).selectExpr("max(version)").first().getLong(0);
  }

  private long filesInTable() {
    return spark.sql("DESCRIBE DETAIL " + table).first().<Long>getAs("numFiles");
  }

  private static long parquetFilesIn(Path folder) throws java.io.IOException {
    try (var files = java.nio.file.Files.list(folder)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
    }
  }

  @Test
  void aNameOutsideTheSessionCatalogIsLeftToDelta() {
    assertThat(DeltaTransactionAppend.recordedVersion(spark, "cat.db." + table, appId)).isEmpty();
    assertThat(DeltaTransactionAppend.recordedVersion(spark, "no_such_table_here", appId))
        .isEmpty();
  }
}

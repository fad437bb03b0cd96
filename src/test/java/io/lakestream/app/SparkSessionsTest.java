package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.config.StateSettings;
import io.lakestream.testing.TestSpark;
import java.time.ZoneId;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SparkSessionsTest {

  private final SparkSession spark = TestSpark.session();

  @Test
  void eventTimeIsUtcWhateverTheMachinesZone() {
    // The session comes from SparkSessions.getOrCreate; the test JVM runs in America/Los_Angeles.
    assertThat(ZoneId.systemDefault()).isNotEqualTo(ZoneId.of("UTC"));
    assertThat(spark.conf().get("spark.sql.session.timeZone")).isEqualTo("UTC");
    assertThat(
            spark
                .sql("SELECT unix_timestamp(CAST('2026-11-01 07:15:00' AS TIMESTAMP))")
                .first()
                .getLong(0))
        .isEqualTo(1_793_517_300L);
  }

  @Test
  void generatedClassesAreCachedForEveryQueryOfTheRunNotOnlyAHundred() {
    // A static conf: it must reach the builder, before the session exists.
    assertThat(spark.conf().get(SparkSessions.CODEGEN_CACHE_ENTRIES)).isEqualTo("1000");
    assertThat(spark.conf().isModifiable(SparkSessions.CODEGEN_CACHE_ENTRIES)).isFalse();
  }

  @Test
  void timestampsAreWrittenAsParquetsInt64MicrosecondsUnlessTheSessionSaysOtherwise() {
    assertThat(spark.conf().get(SparkSessions.PARQUET_TIMESTAMP_TYPE))
        .isEqualTo("TIMESTAMP_MICROS");
    SparkSession fresh = spark.newSession();
    SparkSessions.applyWriteDefaults(fresh);
    assertThat(fresh.conf().get(SparkSessions.PARQUET_TIMESTAMP_TYPE))
        .isEqualTo("TIMESTAMP_MICROS");
    SparkSession own = spark.newSession();
    own.conf().set(SparkSessions.PARQUET_TIMESTAMP_TYPE, "INT96");
    SparkSessions.applyWriteDefaults(own);
    assertThat(own.conf().get(SparkSessions.PARQUET_TIMESTAMP_TYPE)).isEqualTo("INT96");
  }

  @Test
  void sparksFileStatusCacheIsOffUnlessTheSessionSetsIt() {
    SparkSession fresh = spark.newSession();
    fresh.conf().unset(SparkSessions.FILE_STATUS_CACHE_SIZE);
    SparkSessions.applyWriteDefaults(fresh);
    assertThat(fresh.conf().get(SparkSessions.FILE_STATUS_CACHE_SIZE)).isEqualTo("0");
    SparkSession own = spark.newSession();
    own.conf().set(SparkSessions.FILE_STATUS_CACHE_SIZE, "1048576");
    SparkSessions.applyWriteDefaults(own);
    assertThat(own.conf().get(SparkSessions.FILE_STATUS_CACHE_SIZE)).isEqualTo("1048576");
  }

  @Test
  void autoStatePartitionsAreTheSessionsCoresAtMostSparksDefault() {
    StateSettings auto = new StateSettings(StateSettings.Store.ROCKSDB, OptionalInt.empty());
    // The tests' session runs local[2].
    assertThat(SparkSessions.stateConf(auto, spark))
        .containsEntry("spark.sql.shuffle.partitions", "2");
    assertThat(auto.partitionsFor(64)).isEqualTo(64);
    assertThat(auto.partitionsFor(5000)).isEqualTo(200);
    assertThat(auto.partitionsFor(0)).isEqualTo(1);
    assertThat(new StateSettings(StateSettings.Store.HDFS, OptionalInt.of(7)).partitionsFor(2))
        .isEqualTo(7);
  }

  @Test
  void theDeltaExtensionIsAddedToExtensionsAlreadySet() {
    assertThat(SparkSessions.withDelta("")).isEqualTo(SparkSessions.DELTA_EXTENSION);
    assertThat(SparkSessions.withDelta("a.B")).isEqualTo("a.B," + SparkSessions.DELTA_EXTENSION);
    assertThat(SparkSessions.withDelta("a.B," + SparkSessions.DELTA_EXTENSION))
        .isEqualTo("a.B," + SparkSessions.DELTA_EXTENSION);
  }

  @Test
  void rocksDbQueriesCheckpointTheirStateAsChangelogsUnlessTheSessionSaysOtherwise() {
    StateSettings rocksDb = new StateSettings(StateSettings.Store.ROCKSDB, OptionalInt.of(4));
    assertThat(SparkSessions.stateConf(rocksDb, spark))
        .containsEntry(SparkSessions.ROCKSDB_CHANGELOG, "true")
        .containsEntry("spark.sql.shuffle.partitions", "4");
    assertThat(
            SparkSessions.stateConf(
                new StateSettings(StateSettings.Store.HDFS, OptionalInt.of(2)), spark))
        .doesNotContainKey(SparkSessions.ROCKSDB_CHANGELOG);
    SparkSession own = spark.newSession();
    own.conf().set(SparkSessions.ROCKSDB_CHANGELOG, "false");
    assertThat(SparkSessions.stateConf(rocksDb, own))
        .doesNotContainKey(SparkSessions.ROCKSDB_CHANGELOG);
  }
}

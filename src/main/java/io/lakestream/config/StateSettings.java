package io.lakestream.config;

/**
 * The state store provider and shuffle partitions of the stateful queries.
 *
 * @param partitions empty for {@code auto}: the session's default parallelism
 */
public record StateSettings(Store store, java.util.OptionalInt partitions) {

  /** Spark's own default number of shuffle partitions: {@code auto} takes no more. */
  public static final int MAX_AUTO_PARTITIONS = 200;

  /** The partitions a stateful query created now gets, on a session of this parallelism. */
  public int partitionsFor(int defaultParallelism) {
    return partitions.orElse(Math.max(1, Math.min(defaultParallelism, MAX_AUTO_PARTITIONS)));
  }

  public enum Store {
    ROCKSDB("org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"),
    HDFS("org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider");

    private final String providerClass;

    Store(String providerClass) {
      this.providerClass = providerClass;
    }

    public String providerClass() {
      return providerClass;
    }
  }

  static StateSettings read(ConfigReader reader) {
    return new StateSettings(
        reader.choiceOrDefault(ConfigKeys.STATE_STORE, Store.class),
        reader.positiveIntOrAuto(ConfigKeys.STATE_PARTITIONS));
  }
}

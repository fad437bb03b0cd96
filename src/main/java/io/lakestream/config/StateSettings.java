package io.lakestream.config;

/** The state store provider and shuffle partitions of the stateful queries. */
public record StateSettings(Store store, int partitions) {

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
        reader.positiveIntOrDefault(ConfigKeys.STATE_PARTITIONS));
  }
}

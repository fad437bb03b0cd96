package io.lakestream.fs;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.table.SchedulerPools;
import io.lakestream.testing.TestSpark;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The session's Hadoop configuration and scheduler pools, through Spark's internals and through the
 * public fallback a Databricks shared or serverless session gets.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SessionHadoopConfTest {

  private final SparkSession spark = TestSpark.session();

  @Test
  void thePublicFallbackHoldsWhatTheSessionsOwnConfigurationHolds() {
    Map<String, String> settings =
        scala.jdk.javaapi.CollectionConverters.asJava(spark.conf().getAll());
    Configuration internal = spark.sessionState().newHadoopConf();
    Configuration fallback = SessionHadoopConf.fromSettings(settings);

    assertThat(settings).containsKey("spark.hadoop.fs.file.impl");
    settings.forEach(
        (key, value) -> {
          assertThat(fallback.get(key)).as(key).isEqualTo(internal.get(key));
          if (key.startsWith("spark.hadoop.")) {
            String hadoopKey = key.substring("spark.hadoop.".length());
            assertThat(fallback.get(hadoopKey)).as(hadoopKey).isEqualTo(value);
            assertThat(internal.get(hadoopKey)).as(hadoopKey).isEqualTo(value);
          }
        });
    assertThat(fallback.get("fs.file.impl"))
        .isEqualTo(ForklessLocalFileSystem.class.getName())
        .isEqualTo(SessionHadoopConf.of(spark).get("fs.file.impl"));
  }

  @Test
  void aSchedulerPoolIsNamedForThisThreadAndTheOneBeforeIsGivenBack() {
    String before = SchedulerPools.use(spark, "pool_a");
    try {
      assertThat(SchedulerPools.use(spark, "pool_b")).isEqualTo("pool_a");
      assertThat(spark.sparkContext().getLocalProperty(SchedulerPools.PROPERTY))
          .isEqualTo("pool_b");
    } finally {
      SchedulerPools.use(spark, before);
    }
    assertThat(spark.sparkContext().getLocalProperty(SchedulerPools.PROPERTY)).isEqualTo(before);
  }
}

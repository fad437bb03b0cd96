package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.config.ConfigException;
import io.lakestream.testing.SampleData;
import io.lakestream.testing.TestSpark;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main class as a Databricks JAR task would run it (detection switched on by a test setting,
 * against a session the test owns): it uses the existing session, leaves it running, and turns
 * failures into exceptions instead of {@code System.exit}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DatabricksModeTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  @BeforeEach
  void simulateDatabricks() {
    System.setProperty(DatabricksRuntime.SIMULATE_PROPERTY, "true");
  }

  @AfterEach
  void stopSimulating() {
    System.clearProperty(DatabricksRuntime.SIMULATE_PROPERTY);
  }

  @Test
  void runsOnTheExistingSessionAndLeavesItRunning() throws Exception {
    SampleData.land(root.resolve("landing"), "events-00001.json");

    LakestreamApp.main(
        new String[] {
          "--set",
          "volume.root=" + root,
          "--set",
          "catalog.schema=databricks_mode",
          "--set",
          "pipeline.stop_after=bronze"
        });

    assertThat(SparkSession.getActiveSession().get()).isSameAs(spark);
    assertThat(spark.sparkContext().isStopped()).isFalse();
    assertThat(spark.table("databricks_mode.bronze_events").count()).isEqualTo(75);
  }

  @Test
  void aFailureIsThrownNotTurnedIntoAnExit() {
    assertThatThrownBy(
            () ->
                LakestreamApp.main(
                    new String[] {
                      "--set", "trigger=continuous:1s", "--set", "volume.root=" + root
                    }))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("continuous:1s cannot run this pipeline");
    assertThat(spark.sparkContext().isStopped()).isFalse();
  }
}

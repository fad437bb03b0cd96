package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.config.ConfigException;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The maintain command's refusals; what a pass does is MaintenanceStreamTest's. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MaintainCommandTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path dir;

  @Test
  void aVolumeWithoutTablesIsRefusedAndNothingIsCreated() {
    Path mistyped = dir.resolve("lakestrem-data");

    assertThatThrownBy(() -> LakestreamApp.maintain(spark, TestConfigs.local(mistyped)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "volume.root = '"
                + mistyped
                + "' holds none of lakestream's tables (in "
                + mistyped.resolve("tables"));
    assertThat(mistyped).doesNotExist();
  }

  @Test
  void theCommandLineNamesTheCommand() {
    assertThat(CommandLine.parse("maintain", "--set", "volume.root=/x").maintain()).isTrue();
    assertThat(CommandLine.parse("--set", "volume.root=/x").maintain()).isFalse();
    assertThat(Usage.text())
        .contains("lakestream maintain [--config <file.properties>]")
        .contains("maintain.interval (default: off)");
  }
}

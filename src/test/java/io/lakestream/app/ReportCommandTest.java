package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.config.ConfigException;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.table.DeltaTables;
import io.lakestream.table.Tables;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The report command only reads: it creates nothing and says which tables it did not find. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ReportCommandTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path dir;

  @Test
  void aVolumeWithoutTablesIsRefusedAndNothingIsCreated() {
    Path mistyped = dir.resolve("lakestrem-data");
    LakestreamConfig config = TestConfigs.local(mistyped);

    assertThatThrownBy(() -> LakestreamApp.writeReport(spark, config, dir.resolve("report.html")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "volume.root = '" + mistyped + "' holds none of the tables the report reads")
        .hasMessageContaining(
            "pipeline_progress, audit_batches, gold_event_counts, quarantine_events in "
                + mistyped.resolve("tables"));
    assertThat(mistyped).doesNotExist();
    assertThat(dir.resolve("report.html")).doesNotExist();
    assertThat(spark.catalog().databaseExists(config.catalog().schema())).isFalse();
  }

  @Test
  void missingTablesAreNamedAndTheRestIsReported() throws Exception {
    LakestreamConfig config = TestConfigs.local(dir);
    DeltaTables tables = new DeltaTables(spark, config.catalog(), config.volume());
    spark.sql("CREATE DATABASE IF NOT EXISTS " + config.catalog().schemaIdentifier());
    tables.ensure(Tables.audit());
    spark.sql(
        "INSERT INTO "
            + tables.identifier(Tables.AUDIT_BATCHES)
            + " (query, batch_id, rows_written) VALUES ('bronze_events', 0, 7)");

    Path file = dir.resolve("report.html");
    assertThat(LakestreamApp.writeReport(spark, config, file))
        .containsExactly("pipeline_progress", "gold_event_counts", "quarantine_events");

    assertThat(Files.readString(file))
        .contains("\"rowsByQuery\":{\"bronze_events\":{\"rows\":7,\"batches\":1}}")
        .contains(
            "\"missingTables\":[\"pipeline_progress\",\"gold_event_counts\",\"quarantine_events\"]");
    assertThat(Files.readString(file)).contains("Waiting in landing: not known");
    try (var entries = Files.list(dir)) {
      assertThat(entries.map(path -> path.getFileName().toString()))
          .containsExactlyInAnyOrder("tables", "report.html");
    }
  }

  @Test
  void theBacklogIsWhatTheLastBronzeBatchLeftWaiting() throws Exception {
    LakestreamConfig config = TestConfigs.local(dir);
    DeltaTables tables = new DeltaTables(spark, config.catalog(), config.volume());
    spark.sql("CREATE DATABASE IF NOT EXISTS " + config.catalog().schemaIdentifier());
    tables.ensure(Tables.pipelineProgress());
    spark.sql(
        "INSERT INTO "
            + tables.identifier(Tables.PIPELINE_PROGRESS)
            + " (query, batch_id, timestamp, rows_in, files_outstanding, bytes_outstanding) VALUES"
            + " ('bronze_events', 0, TIMESTAMP'2026-12-06 10:00:00', 5, 3, 6291456),"
            + " ('bronze_events', 1, TIMESTAMP'2026-12-06 10:00:02', 5, 1, 2097152),"
            + " ('silver_events', 0, TIMESTAMP'2026-12-06 10:00:03', 10, NULL, NULL)");

    Path file = dir.resolve("report.html");
    LakestreamApp.writeReport(spark, config, file);

    assertThat(Files.readString(file))
        .contains("\"filesOutstanding\":{\"bronze_events\":[{\"x\":0,\"y\":3},{\"x\":1,\"y\":1}]}")
        .contains(
            "\"backlog\":{\"query\":\"bronze_events\",\"batch\":1,\"files\":1,\"bytes\":2097152}")
        .contains("Waiting in landing after bronze_events batch 1: 1 files, 2.0 MB.");
  }
}

package io.lakestream.stage;

import static io.lakestream.testing.Events.at;
import static io.lakestream.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.app.Pipeline;
import io.lakestream.app.RunSummary;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.testing.Events;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Duplicates by event_id in one file, across files, micro-batches and restarts reach silver once.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DeduplicationStreamTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  private List<String> silverIds(LakestreamConfig config) {
    return spark
        .table(config.catalog().tableIdentifier("silver_events"))
        .select("event_id")
        .as(Encoders.STRING())
        .collectAsList();
  }

  @Test
  void duplicatesAppearOnceAcrossFilesBatchesAndRestarts() throws Exception {
    // One file per micro-batch, dedup horizon of one hour.
    LakestreamConfig config =
        TestConfigs.local(
            root,
            Map.of(
                "pipeline.stop_after",
                "silver",
                "ingest.max_files_per_trigger",
                "1",
                "dedup.horizon",
                "1h"));
    Path landing = root.resolve("landing");
    String e1 = event("e1", "u1", "click", at(0));
    String e2 = event("e2", "u2", "click", at(1));
    Events.land(landing, "a.json", List.of(e1, e1, e2)); // twice in one file
    Events.land(
        landing,
        "b.json",
        List.of(e2, event("e3", "u1", "page_view", at(2)))); // across files and batches

    new Pipeline(spark, config).run();
    assertThat(silverIds(config)).containsExactlyInAnyOrder("e1", "e2", "e3");

    // After a restart: a copy with different whitespace and case in its user id is still the same
    // event.
    Events.land(
        landing,
        "c.json",
        List.of(e1.replace("\"u1\"", "\" U1 \""), event("e4", "u3", "click", at(3))));
    new Pipeline(spark, config).run();
    assertThat(silverIds(config)).containsExactlyInAnyOrder("e1", "e2", "e3", "e4");

    // Move the dedup watermark to t0 + 2h - 1h = t0 + 1h: e1's id is forgotten, but a copy of e1
    // now is older than the watermark, so it is dropped as late and counted, never written twice.
    Events.land(landing, "d.json", List.of(event("e5", "u1", "click", at(120))));
    new Pipeline(spark, config).run();
    Events.land(landing, "e.json", List.of(e1));
    RunSummary last = new Pipeline(spark, config).run().summary();

    assertThat(silverIds(config)).containsExactlyInAnyOrder("e1", "e2", "e3", "e4", "e5");
    assertThat(last.lateRowsDropped()).containsEntry("silver_events", 1L);
  }
}

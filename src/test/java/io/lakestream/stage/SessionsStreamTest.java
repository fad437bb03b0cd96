package io.lakestream.stage;

import static io.lakestream.testing.Events.at;
import static io.lakestream.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.app.Pipeline;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.testing.Events;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * gold_user_sessions: 30-minute inactivity gap, 10-minute watermark, state kept across restarts.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SessionsStreamTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  private List<String> sessions(LakestreamConfig config) {
    return spark
        .table(config.catalog().tableIdentifier("gold_user_sessions"))
        .orderBy("user_id", "session_start")
        .collectAsList()
        .stream()
        .map(
            row ->
                row.getString(0)
                    + " "
                    + row.getTimestamp(1).toInstant()
                    + ".."
                    + row.getTimestamp(2).toInstant()
                    + " events="
                    + row.getLong(3)
                    + " types="
                    + row.getList(4)
                    + " amount="
                    + row.getDouble(5))
        .toList();
  }

  @Test
  void aSessionClosesOnceWhenTheWatermarkPassesItsLastEventPlusTheGap() throws Exception {
    LakestreamConfig config = TestConfigs.local(root);
    Path landing = root.resolve("landing");

    // Run 1: u1 active at t0, t0+10m, t0+20m; u2 once at t0+5m. Watermark t0+10m: nothing is
    // closed.
    Events.land(
        landing,
        "1.json",
        List.of(
            event("e1", "u1", "click", at(0)),
            event("e2", "u1", "page_view", at(10)),
            event("e3", "u1", "purchase", at(20), 10.5),
            event("e4", "u2", "click", at(5))));
    new Pipeline(spark, config).run();
    assertThat(sessions(config)).isEmpty();

    // Run 2 (a restart: the open sessions come back from the checkpoint). u1 returns at t0+55m, 35
    // minutes after its last event: a new session. u3 at t0+61m moves the watermark to t0+51m,
    // which closes u1's first session (t0+20m + 30m) and u2's (t0+5m + 30m), but not u1's new one.
    Events.land(
        landing,
        "2.json",
        List.of(event("e5", "u1", "click", at(55)), event("e6", "u3", "click", at(61))));
    new Pipeline(spark, config).run();

    assertThat(sessions(config))
        .containsExactly(
            "u1 2026-11-01T10:00:00Z..2026-11-01T10:20:00Z events=3 types=[click, page_view, purchase] amount=10.5",
            "u2 2026-11-01T10:05:00Z..2026-11-01T10:05:00Z events=1 types=[click] amount=0.0");

    // Run 3: t0+102m (watermark t0+92m) closes u1's second session (t0+55m + 30m) and u3's (t0+61m
    // + 30m); the first ones are not written again.
    Events.land(landing, "3.json", List.of(event("e7", "u4", "click", at(102))));
    new Pipeline(spark, config).run();

    assertThat(sessions(config))
        .containsExactly(
            "u1 2026-11-01T10:00:00Z..2026-11-01T10:20:00Z events=3 types=[click, page_view, purchase] amount=10.5",
            "u1 2026-11-01T10:55:00Z..2026-11-01T10:55:00Z events=1 types=[click] amount=0.0",
            "u2 2026-11-01T10:05:00Z..2026-11-01T10:05:00Z events=1 types=[click] amount=0.0",
            "u3 2026-11-01T11:01:00Z..2026-11-01T11:01:00Z events=1 types=[click] amount=0.0");
  }
}

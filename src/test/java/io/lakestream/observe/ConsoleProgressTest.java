package io.lakestream.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @Test
  void withoutATerminalAPlainLineAtMostOnceAMinute() {
    AtomicLong now = new AtomicLong(1_000_000);
    ConsoleProgress progress = new ConsoleProgress(out, false, now::get);

    progress.queryStarted("bronze_events");
    progress.batchDone(batch("bronze_events", 0, 150));
    now.addAndGet(59_999);
    progress.batchDone(batch("bronze_events", 1, 75));
    assertThat(bytes.size())
        .isZero(); // a short run, such as the sample, prints no status line at all
    now.addAndGet(1);
    progress.batchDone(batch("bronze_events", 2, 25));
    now.addAndGet(30_000);
    progress.batchDone(batch("bronze_events", 3, 5));
    progress.queryEnded("bronze_events", null);
    now.addAndGet(30_000);
    progress.queryStarted("silver_events");

    assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList())
        .containsExactly(
            "lakestream: 1 queries running, 3 batches, bronze_events 250 rows in",
            "lakestream: 1 queries running, 4 batches, bronze_events 255, silver_events 0 rows in");
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .doesNotContain("\r")
        .doesNotContain("\u001b");
  }

  @Test
  void onATerminalOneLineIsRedrawnInPlace() {
    ConsoleProgress progress = new ConsoleProgress(out, true);

    progress.queryStarted("bronze_events");
    progress.queryStarted("silver_events");
    progress.batchDone(batch("silver_events", 0, 10));
    progress.queryEnded("bronze_events", null);
    progress.queryEnded("silver_events", null);

    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text.split("\r\u001b\\[2K", -1)).hasSize(6);
    assertThat(text)
        .endsWith(
            "\r\u001b[2Klakestream: 0 queries running, 1 batches, bronze_events 0, silver_events 10 rows in\n");
    assertThat(text.chars().filter(c -> c == '\n').count()).isEqualTo(1);
  }

  private static BatchProgress batch(String query, long batchId, long rows) {
    return new BatchProgress(
        query,
        "run",
        batchId,
        Instant.EPOCH,
        rows,
        null,
        null,
        100L,
        80L,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        "{}");
  }
}

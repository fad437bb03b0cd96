package io.lakestream.sink;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Wall time of the steps of one batch write, for its log line: where a batch's time goes, at a
 * glance.
 */
public final class StepTimes {

  private final long startedNanos = System.nanoTime();
  private final Map<String, Long> millis = new LinkedHashMap<>();
  private long lastNanos = startedNanos;

  public void done(String step) {
    long now = System.nanoTime();
    millis.merge(step, (now - lastNanos) / 1_000_000, Long::sum);
    lastNanos = now;
  }

  public long totalMs() {
    return (lastNanos - startedNanos) / 1_000_000;
  }

  @Override
  public String toString() {
    return millis.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }
}

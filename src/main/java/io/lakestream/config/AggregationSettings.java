package io.lakestream.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Event-time settings of the stateful queries: the watermark, the gold windows and sessions, and
 * the output mode of each gold aggregation.
 */
public record AggregationSettings(
    Duration watermarkDelay,
    Duration dedupHorizon,
    Duration windowSize,
    Optional<Duration> windowSlide,
    Duration sessionGap,
    OutputModeChoice eventCountsMode,
    OutputModeChoice typeTotalsMode) {

  /** The output modes lakestream writes to Delta. */
  public enum OutputModeChoice {
    APPEND,
    UPDATE,
    COMPLETE
  }
}

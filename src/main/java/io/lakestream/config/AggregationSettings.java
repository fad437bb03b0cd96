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

  static AggregationSettings read(ConfigReader reader) {
    Duration delay = reader.durationOrDefault(ConfigKeys.WATERMARK_DELAY);
    Duration horizon = reader.positiveDurationOrDefault(ConfigKeys.DEDUP_HORIZON);
    Duration size = reader.positiveDurationOrDefault(ConfigKeys.WINDOW_SIZE);
    Optional<Duration> slide = reader.positiveDuration(ConfigKeys.WINDOW_SLIDE);
    if (slide.isPresent() && slide.get().compareTo(size) > 0) {
      reader.invalid(
          ConfigKeys.WINDOW_SLIDE,
          "a slide longer than windows.size (" + Durations.format(size) + ") would skip events");
    }
    Duration gap = reader.positiveDurationOrDefault(ConfigKeys.SESSION_GAP);
    OutputModeChoice counts =
        reader.choiceOrDefault(ConfigKeys.EVENT_COUNTS_OUTPUT_MODE, OutputModeChoice.class);
    if (counts == OutputModeChoice.COMPLETE) {
      reader.invalid(
          ConfigKeys.EVENT_COUNTS_OUTPUT_MODE,
          "complete mode keeps every window in state forever and rewrites them all each batch");
    }
    OutputModeChoice totals =
        reader.choiceOrDefault(ConfigKeys.TYPE_TOTALS_OUTPUT_MODE, OutputModeChoice.class);
    if (totals == OutputModeChoice.APPEND) {
      reader.invalid(
          ConfigKeys.TYPE_TOTALS_OUTPUT_MODE,
          "append mode needs a watermarked aggregation so that a row can be final; gold_event_type_totals"
              + " totals over all time, so no row is ever final");
    }
    return new AggregationSettings(delay, horizon, size, slide, gap, counts, totals);
  }
}

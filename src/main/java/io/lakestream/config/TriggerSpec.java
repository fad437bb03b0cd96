package io.lakestream.config;

import java.time.Duration;
import java.util.Locale;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The trigger every query of a run uses, parsed from the {@code trigger} key.
 *
 * <ul>
 *   <li>{@code availableNow}: drain what is in the landing folder in rate-limited micro-batches,
 *       then stop.
 *   <li>{@code processingTime:<interval>}: a micro-batch every interval until the app is stopped.
 *   <li>{@code once}: accepted for the tutorial's sake; Spark deprecated it, so it runs as
 *       availableNow.
 * </ul>
 *
 * {@code continuous:<interval>} parses, so that the start-up check can say exactly why it cannot
 * run this pipeline ({@link TriggerMatrix}): Spark's continuous processing reads only Kafka and
 * rate sources.
 */
public sealed interface TriggerSpec {

  /** The Spark trigger to hand to {@code DataStreamWriter.trigger}. */
  Trigger toSparkTrigger();

  /** True when queries stop by themselves once the input is drained. */
  boolean stopsWhenDrained();

  /** The column of {@link TriggerMatrix} this trigger is checked against. */
  TriggerMatrix.Kind kind();

  /**
   * Drain everything available, then stop. {@code requestedAsOnce} remembers that the user wrote
   * "once".
   */
  record AvailableNow(boolean requestedAsOnce) implements TriggerSpec {
    @Override
    public Trigger toSparkTrigger() {
      return Trigger.AvailableNow();
    }

    @Override
    public boolean stopsWhenDrained() {
      return true;
    }

    @Override
    public TriggerMatrix.Kind kind() {
      return requestedAsOnce ? TriggerMatrix.Kind.ONCE : TriggerMatrix.Kind.AVAILABLE_NOW;
    }

    @Override
    public String toString() {
      return requestedAsOnce ? "once (run as availableNow)" : "availableNow";
    }
  }

  /** A micro-batch every {@code interval}, until stopped. */
  record ProcessingTime(Duration interval) implements TriggerSpec {
    @Override
    public Trigger toSparkTrigger() {
      return Trigger.ProcessingTime(interval.toMillis());
    }

    @Override
    public boolean stopsWhenDrained() {
      return false;
    }

    @Override
    public TriggerMatrix.Kind kind() {
      return TriggerMatrix.Kind.PROCESSING_TIME;
    }

    @Override
    public String toString() {
      return "processingTime:" + Durations.format(interval);
    }
  }

  /**
   * Spark's continuous processing; never runs here, since it cannot read files: the start-up check
   * refuses it with {@link TriggerMatrix}'s reasons before any query is built.
   */
  record Continuous(Duration checkpointInterval) implements TriggerSpec {
    @Override
    public Trigger toSparkTrigger() {
      throw new IllegalStateException("continuous is refused at start-up; no query runs with it");
    }

    @Override
    public boolean stopsWhenDrained() {
      return false;
    }

    @Override
    public TriggerMatrix.Kind kind() {
      return TriggerMatrix.Kind.CONTINUOUS;
    }

    @Override
    public String toString() {
      return "continuous:" + Durations.format(checkpointInterval);
    }
  }

  /**
   * Parses a trigger setting.
   *
   * @throws IllegalArgumentException with a message saying what is allowed
   */
  static TriggerSpec parse(String text) {
    String trimmed = text.trim();
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (lower.equals("availablenow")) {
      return new AvailableNow(false);
    }
    if (lower.equals("once")) {
      return new AvailableNow(true);
    }
    if (lower.startsWith("processingtime:")) {
      Duration interval = interval(trimmed.substring("processingTime:".length()));
      if (interval.isZero()) {
        throw new IllegalArgumentException("the processingTime interval must be greater than zero");
      }
      return new ProcessingTime(interval);
    }
    if (lower.startsWith("continuous:")) {
      return new Continuous(interval(trimmed.substring("continuous:".length())));
    }
    throw new IllegalArgumentException("unknown trigger");
  }

  /**
   * The trigger key's "Allowed:" says only "<interval>", so an interval's own rule is said here.
   */
  private static Duration interval(String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage() + " (an interval is " + Durations.ALLOWED + ")");
    }
  }
}

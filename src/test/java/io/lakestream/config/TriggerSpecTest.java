package io.lakestream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;

class TriggerSpecTest {

  @Test
  void availableNowDrainsAndStops() {
    TriggerSpec trigger = TriggerSpec.parse("availableNow");

    assertThat(trigger.stopsWhenDrained()).isTrue();
    assertThat(trigger.toSparkTrigger()).isEqualTo(Trigger.AvailableNow());
    assertThat(TriggerSpec.parse(" AVAILABLENOW ")).isEqualTo(trigger);
  }

  @Test
  void onceIsRunAsAvailableNow() {
    TriggerSpec trigger = TriggerSpec.parse("once");

    assertThat(trigger.toSparkTrigger()).isEqualTo(Trigger.AvailableNow());
    assertThat(trigger).hasToString("once (run as availableNow)");
  }

  @Test
  void processingTimeRunsUntilStopped() {
    TriggerSpec trigger = TriggerSpec.parse("processingTime:10s");

    assertThat(trigger).isEqualTo(new TriggerSpec.ProcessingTime(Duration.ofSeconds(10)));
    assertThat(trigger.stopsWhenDrained()).isFalse();
    assertThat(trigger.toSparkTrigger()).isEqualTo(Trigger.ProcessingTime(10_000));
    assertThat(trigger).hasToString("processingTime:10s");
  }

  @Test
  void continuousParsesSoTheMatrixCanSayWhyItCannotRun() {
    TriggerSpec trigger = TriggerSpec.parse("continuous:1s");

    assertThat(trigger.kind()).isEqualTo(TriggerMatrix.Kind.CONTINUOUS);
    assertThat(
            TriggerMatrix.unsupported(
                trigger.kind(),
                java.util.EnumSet.of(
                    TriggerMatrix.Feature.FILE_SOURCE,
                    TriggerMatrix.Feature.MAP_LIKE,
                    TriggerMatrix.Feature.CONSOLE)))
        .containsExactly(
            "source files (bronze_events reads the landing folder): continuous reads only Kafka and rate sources");
    assertThat(
            TriggerMatrix.unsupported(
                TriggerMatrix.Kind.PROCESSING_TIME,
                java.util.EnumSet.allOf(TriggerMatrix.Feature.class)))
        .isEmpty();
    assertThat(
            TriggerMatrix.unsupported(
                TriggerMatrix.Kind.ONCE, java.util.EnumSet.allOf(TriggerMatrix.Feature.class)))
        .isEmpty();
  }

  @Test
  void refusesZeroIntervalsAndUnknownTriggers() {
    assertThatThrownBy(() -> TriggerSpec.parse("processingTime:0s"))
        .hasMessageContaining("greater than zero");
    assertThatThrownBy(() -> TriggerSpec.parse("hourly")).hasMessage("unknown trigger");
  }
}

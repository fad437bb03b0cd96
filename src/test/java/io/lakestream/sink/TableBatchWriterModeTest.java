package io.lakestream.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.config.AggregationSettings.OutputModeChoice;
import io.lakestream.sink.TableBatchWriter.Mode;
import org.apache.spark.sql.streaming.OutputMode;
import org.junit.jupiter.api.Test;

class TableBatchWriterModeTest {

  @Test
  void eachConfiguredOutputModeHasOneWriteAndSparkRunsTheQueryInThatMode() {
    assertThat(Mode.of(OutputModeChoice.APPEND)).isEqualTo(Mode.APPEND);
    assertThat(Mode.of(OutputModeChoice.UPDATE)).isEqualTo(Mode.MERGE);
    assertThat(Mode.of(OutputModeChoice.COMPLETE)).isEqualTo(Mode.OVERWRITE);
    assertThat(Mode.APPEND.outputMode()).isEqualTo(OutputMode.Append());
    assertThat(Mode.MERGE.outputMode()).isEqualTo(OutputMode.Update());
    assertThat(Mode.OVERWRITE.outputMode()).isEqualTo(OutputMode.Complete());
  }
}

package io.lakestream.archive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceLogRolloverTest {

  @Test
  void theNameInALogLinesPathIsItsLastSegmentAsWritten() {
    assertThat(
            SourceLogRollover.nameInPath(
                "{\"path\":\"file:///v/landing/2026/events-1.json\",\"timestamp\":1,\"batchId\":0}"))
        .isEqualTo("events-1.json");
    assertThat(SourceLogRollover.nameInPath("{\"path\":\"file:///v/a%20b.json\",\"batchId\":0}"))
        .isEqualTo("a%20b.json");
    assertThat(SourceLogRollover.nameInPath("{\"timestamp\":1}")).isEmpty();
    assertThat(SourceLogRollover.nameInPath("{\"path\":\"file:///v/cut")).isEmpty();
  }
}

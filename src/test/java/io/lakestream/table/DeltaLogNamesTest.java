package io.lakestream.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The names of a Delta log's files, as lakestream reads and probes them. */
class DeltaLogNamesTest {

  @Test
  void namesAVersionsFilesAsDeltaWritesThem() {
    assertThat(DeltaLogNames.commit(7)).isEqualTo("00000000000000000007.json");
    assertThat(DeltaLogNames.checksum(12)).isEqualTo("00000000000000000012.crc");
    assertThat(DeltaLogNames.checkpoint(50)).isEqualTo("00000000000000000050.checkpoint.parquet");
    assertThat(DeltaLogNames.prefix(123_456_789_012L)).isEqualTo("00000000123456789012");
  }

  @Test
  void readsTheVersionOfEveryVersionedFileButOnlyCommitsAsCommits() {
    assertThat(DeltaLogNames.version("00000000000000000050.checkpoint.parquet"))
        .isEqualTo(OptionalLong.of(50));
    assertThat(DeltaLogNames.version("00000000000000000012.crc")).isEqualTo(OptionalLong.of(12));
    assertThat(DeltaLogNames.version("_last_checkpoint")).isEmpty();
    assertThat(DeltaLogNames.version("0000000000000000001.json")).isEmpty();

    assertThat(DeltaLogNames.commitVersion("00000000000000000007.json"))
        .isEqualTo(OptionalLong.of(7));
    assertThat(DeltaLogNames.commitVersion("00000000000000000012.crc")).isEmpty();
    assertThat(DeltaLogNames.commitVersion("00000000000000000007.json.tmp")).isEmpty();
    assertThat(DeltaLogNames.commitVersion(".00000000000000000007.json.crc")).isEmpty();
    assertThat(DeltaLogNames.commitVersion("0000000000000000000x.json")).isEmpty();
  }
}

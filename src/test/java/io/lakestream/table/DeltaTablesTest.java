package io.lakestream.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which queries read a Delta table from version 0: new ones, and those that began that way; never a
 * snapshot one.
 */
class DeltaTablesTest {

  @TempDir Path checkpoint;

  private boolean fromVersionZero() {
    return DeltaStreamSource.startedFromVersionZero(new Configuration(), checkpoint.toString());
  }

  @Test
  void newCheckpointsAndThoseStartedFromAVersionReadFromVersionZero() throws Exception {
    assertThat(fromVersionZero()).isTrue();
    Path offsets = Files.createDirectories(checkpoint.resolve("offsets"));
    assertThat(fromVersionZero()).isTrue();

    Files.writeString(
        offsets.resolve("0"),
        "v1\n{}\n{\"sourceVersion\":1,\"reservoirVersion\":2,\"index\":-1,\"isStartingVersion\":false}");
    assertThat(fromVersionZero()).isTrue();
  }

  @Test
  void aCheckpointStartedFromASnapshotKeepsReadingAsItBegan() throws Exception {
    Path offsets = Files.createDirectories(checkpoint.resolve("offsets"));
    Files.writeString(
        offsets.resolve("0"),
        "v1\n{}\n{\"sourceVersion\":1,\"reservoirVersion\":2,\"index\":4,\"isStartingVersion\":true}");
    assertThat(fromVersionZero()).isFalse();
  }

  @Test
  void aCheckpointWhoseFirstOffsetsWerePurgedIsLeftAlone() throws Exception {
    Path offsets = Files.createDirectories(checkpoint.resolve("offsets"));
    Files.writeString(offsets.resolve("150"), "v1\n{}\n{}");
    assertThat(fromVersionZero()).isFalse();
  }
}

package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceLockTest {

  @TempDir Path checkpoints;

  @Test
  void aLockTakenOverByAnotherRunStopsThisOneOnce() throws Exception {
    AtomicInteger stops = new AtomicInteger();
    Path file = checkpoints.resolve(InstanceLock.FILE_NAME);
    try (InstanceLock lock =
        InstanceLock.acquire(new Configuration(), checkpoints.toString(), stops::incrementAndGet)) {
      lock.beat();
      assertThat(stops).hasValue(0);
      assertThat(lock.lost()).isFalse();

      String otherRun =
          "owner=someone-else\nhost=elsewhere\npid=1\nstarted=2026-12-01T00:00:00Z\nheartbeat=2099-01-01T00:00:00Z\n";
      Files.writeString(file, otherRun);
      lock.beat();
      lock.beat();

      assertThat(stops).hasValue(1);
      assertThat(lock.lost()).isTrue();
      assertThat(Files.readString(file)).isEqualTo(otherRun); // the heartbeat no longer writes it
    }
    // Closing leaves the other run's lock in place.
    assertThat(Files.readString(file)).startsWith("owner=someone-else");
    assertThatThrownBy(
            () -> InstanceLock.acquire(new Configuration(), checkpoints.toString(), () -> {}))
        .isInstanceOf(InstanceLock.HeldElsewhereException.class);
  }

  @Test
  void aLockLeftEmptyByARunKilledWhileWritingItIsTakenOver() throws Exception {
    // A kill between the heartbeat's truncation and its write leaves an empty file, just touched.
    Path file = checkpoints.resolve(InstanceLock.FILE_NAME);
    Files.writeString(file, "");

    try (InstanceLock lock =
        InstanceLock.acquire(new Configuration(), checkpoints.toString(), () -> {})) {
      assertThat(lock.lost()).isFalse();
      assertThat(Files.readString(file))
          .contains("pid=" + ProcessHandle.current().pid())
          .contains("heartbeat=");
    }
    assertThat(file).doesNotExist();
  }

  @Test
  void aLockOfALiveRunOnThisHostIsRespected() throws Exception {
    Path file = checkpoints.resolve(InstanceLock.FILE_NAME);
    String liveRun =
        "owner=other\nhost="
            + java.net.InetAddress.getLocalHost().getHostName()
            + "\npid="
            + ProcessHandle.current().pid()
            + "\nstarted=2026-12-01T00:00:00Z\nheartbeat="
            + java.time.Instant.now()
            + "\n";
    Files.writeString(file, liveRun);

    assertThatThrownBy(
            () -> InstanceLock.acquire(new Configuration(), checkpoints.toString(), () -> {}))
        .isInstanceOf(InstanceLock.HeldElsewhereException.class)
        .hasMessageContaining("another lakestream run is using");
    assertThat(Files.readString(file)).isEqualTo(liveRun);
  }
}

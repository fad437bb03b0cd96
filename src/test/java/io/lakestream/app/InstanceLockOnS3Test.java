package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.testing.LocalS3;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The run lock on an S3 API (the in-process server, which like some S3-compatible stores ignores
 * conditional headers on PUT): of runs racing for it exactly one wins, a stale lock is taken over,
 * and a live one is respected.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InstanceLockOnS3Test {

  private static LocalS3 s3;
  private static Configuration hadoopConf;

  @BeforeAll
  static void startServer() throws Exception {
    s3 = LocalS3.start(0, "locks");
    hadoopConf = new Configuration();
    s3.hadoopSettings().forEach(hadoopConf::set);
  }

  @AfterAll
  static void stopServer() throws Exception {
    FileSystem.closeAll();
    s3.close();
  }

  @Test
  void ofFourRunsStartingAtOnceExactlyOneTakesTheLock() throws Exception {
    String checkpoints = "s3a://locks/race/checkpoints";
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<InstanceLock>> runs = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        Callable<InstanceLock> run =
            () -> {
              start.await();
              return InstanceLock.acquire(hadoopConf, checkpoints, () -> {});
            };
        runs.add(pool.submit(run));
      }
      start.countDown();
      List<InstanceLock> winners = new ArrayList<>();
      List<String> refusals = new ArrayList<>();
      for (Future<InstanceLock> run : runs) {
        try {
          winners.add(run.get());
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(InstanceLock.HeldElsewhereException.class);
          refusals.add(e.getCause().getMessage());
        }
      }

      assertThat(winners).hasSize(1);
      assertThat(refusals)
          .hasSize(3)
          .allMatch(message -> message.contains("another lakestream run is using " + checkpoints))
          .allMatch(message -> message.contains("pid " + ProcessHandle.current().pid()));
      winners.get(0).beat();
      assertThat(winners.get(0).lost()).isFalse();
      winners.get(0).close();
      assertThat(fs().exists(new Path(checkpoints, InstanceLock.FILE_NAME))).isFalse();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aLockOfARunThatDiedIsTakenOverAndALiveOneIsRespected() throws Exception {
    String checkpoints = "s3a://locks/takeover/checkpoints";
    Path file = new Path(checkpoints, InstanceLock.FILE_NAME);
    write(
        file,
        "owner=dead\nhost=elsewhere\npid=1\nstarted=2026-12-01T00:00:00Z\nheartbeat=2026-12-01T00:00:00Z\n");

    try (InstanceLock lock = InstanceLock.acquire(hadoopConf, checkpoints, () -> {})) {
      assertThat(read(file)).contains("pid=" + ProcessHandle.current().pid());
      assertThatThrownBy(() -> InstanceLock.acquire(hadoopConf, checkpoints, () -> {}))
          .isInstanceOf(InstanceLock.HeldElsewhereException.class);
      lock.beat();
      assertThat(lock.lost()).isFalse();
    }
    assertThat(fs().exists(file)).isFalse();
  }

  @Test
  void aHeartbeatFindingAnotherOwnerStopsThisRunAndLeavesTheOtherLock() throws Exception {
    String checkpoints = "s3a://locks/lost/checkpoints";
    Path file = new Path(checkpoints, InstanceLock.FILE_NAME);
    java.util.concurrent.atomic.AtomicInteger stops =
        new java.util.concurrent.atomic.AtomicInteger();
    String otherRun =
        "owner=someone-else\nhost=elsewhere\npid=1\nstarted=2026-12-01T00:00:00Z\nheartbeat=2099-01-01T00:00:00Z\n";
    try (InstanceLock lock =
        InstanceLock.acquire(hadoopConf, checkpoints, stops::incrementAndGet)) {
      write(file, otherRun);
      lock.beat();
      lock.beat();
      assertThat(stops).hasValue(1);
    }
    assertThat(read(file)).isEqualTo(otherRun);
  }

  @Test
  void withConditionalWritesTurnedOffTheLockStillHasOneHolder() throws Exception {
    Configuration noConditions = new Configuration(hadoopConf);
    noConditions.setBoolean("fs.s3a.create.conditional.enabled", false);
    noConditions.setBoolean("fs.s3a.impl.disable.cache", true);
    String checkpoints = "s3a://locks/unconditional/checkpoints";

    try (InstanceLock lock = InstanceLock.acquire(noConditions, checkpoints, () -> {})) {
      assertThatThrownBy(() -> InstanceLock.acquire(noConditions, checkpoints, () -> {}))
          .isInstanceOf(InstanceLock.HeldElsewhereException.class);
      lock.beat();
      assertThat(lock.lost()).isFalse();
    }
  }

  private static FileSystem fs() throws Exception {
    return FileSystem.get(URI.create("s3a://locks/"), hadoopConf);
  }

  private static void write(Path file, String content) throws Exception {
    try (FSDataOutputStream out = fs().create(file, true)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String read(Path file) throws Exception {
    try (var in = fs().open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

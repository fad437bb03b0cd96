package io.lakestream.app;

import io.lakestream.LakestreamException;
import io.lakestream.config.FaultPoint;
import io.lakestream.config.HaltAt;
import io.lakestream.fs.ExclusiveFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets one run at a time use a checkpoint folder. Spark refuses a second query on the same
 * checkpoint only within one driver; two drivers (two spark-submits, a job and a laptop) would both
 * write.
 *
 * <p>The lock is a file {@code <checkpoints>/_lakestream.lock} created only if absent, naming its
 * owner (host, pid, start) and a heartbeat the owner rewrites every {@value #HEARTBEAT_SECONDS} s.
 * A lock is stale, and is taken over, when its owner ran on this host and its process is gone (a
 * crashed or killed run), or when its heartbeat is older than {@link #EXPIRY}. Creating and taking
 * over go through {@link ExclusiveFile}, so of two starting runs only one can win: atomic on a
 * local disk, HDFS and volumes, and on S3 by conditional writes; there the winner also reads the
 * lock back after {@link #CONFIRM} (S3-compatible stores that ignore conditional headers exist).
 */
final class InstanceLock implements AutoCloseable {

  static final String FILE_NAME = "_lakestream.lock";
  static final int HEARTBEAT_SECONDS = 10;
  static final Duration EXPIRY = Duration.ofMinutes(2);
  static final Duration SETTLE = Duration.ofSeconds(2);

  /** How long after writing the lock an S3 run reads it back to learn whether a racer won. */
  static final Duration CONFIRM = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(InstanceLock.class);

  private final FileSystem fs;
  private final Path file;
  private final ExclusiveFile exclusive;
  private final HaltAt haltAt;
  private final String owner = UUID.randomUUID().toString();
  private final Instant startedAt = Instant.now();
  private final ScheduledExecutorService heartbeat =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "lakestream-lock-heartbeat");
            thread.setDaemon(true);
            return thread;
          });

  /** Another run holds the lock. */
  static final class HeldElsewhereException extends LakestreamException {
    private static final long serialVersionUID = 1L;

    HeldElsewhereException(String message) {
      super(message);
    }

    @Override
    public int exitStatus() {
      return ALREADY_RUNNING;
    }
  }

  private final Runnable onLost;
  private final AtomicBoolean lost = new AtomicBoolean();

  private InstanceLock(FileSystem fs, Path file, Runnable onLost, HaltAt haltAt) {
    this.fs = fs;
    this.file = file;
    this.exclusive = ExclusiveFile.of(fs, file);
    this.onLost = onLost;
    this.haltAt = haltAt;
  }

  /**
   * Takes the lock of {@code checkpointsFolder} and keeps it alive until {@link #close()}.
   *
   * @param onLost called once, from the heartbeat, if another run took the lock over: the caller
   *     must stop writing, as two writers of one checkpoint folder is what the lock prevents
   * @throws HeldElsewhereException if a live run holds it; the message says who and what to do
   */
  static InstanceLock acquire(Configuration hadoopConf, String checkpointsFolder, Runnable onLost) {
    return acquire(hadoopConf, checkpointsFolder, onLost, HaltAt.OFF);
  }

  /** As {@link #acquire(Configuration, String, Runnable)}, halting at {@code haltAt} (tests). */
  static InstanceLock acquire(
      Configuration hadoopConf, String checkpointsFolder, Runnable onLost, HaltAt haltAt) {
    Path file = new Path(checkpointsFolder, FILE_NAME);
    try {
      FileSystem fs = file.getFileSystem(hadoopConf);
      if (fs instanceof ChecksumFileSystem checksummed) {
        // Local disk: no .crc beside the lock, which a kill between the two writes leaves
        // mismatched (the lock then unreadable) and other tools writing it do not update.
        fs = checksummed.getRawFileSystem();
      }
      fs.mkdirs(file.getParent());
      InstanceLock lock = new InstanceLock(fs, file, onLost, haltAt);
      lock.take();
      lock.heartbeat.scheduleWithFixedDelay(
          lock::beat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
      return lock;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot take the run lock " + file, e);
    }
  }

  private void take() throws IOException {
    for (int attempt = 0; attempt < 3; attempt++) {
      if (exclusive.createIfAbsent(content())) {
        confirm("Took");
        return;
      }
      String version = exclusive.version();
      Map<String, String> holder = readSettled();
      if (!holder.isEmpty() && !holder.containsKey("heartbeat")) {
        holder.put(
            "heartbeat",
            Instant.ofEpochMilli(fs.getFileStatus(file).getModificationTime()).toString());
      }
      String staleBecause = holder.isEmpty() ? unreadableBecause() : staleBecause(holder);
      if (staleBecause == null) {
        throw heldBy(holder);
      }
      LOG.warn("Taking over the run lock {}: {}", file, staleBecause);
      haltAt.haltIfAt(FaultPoint.TAKING_OVER_LOCK);
      if (version != null && exclusive.replaceIfUnchanged(version, content())) {
        confirm("Took over");
        return;
      }
    }
    throw new HeldElsewhereException(
        "could not take the run lock " + file + ": other runs keep taking it");
  }

  private HeldElsewhereException heldBy(Map<String, String> holder) {
    return new HeldElsewhereException(
        "another lakestream run is using "
            + file.getParent()
            + " (host "
            + holder.get("host")
            + ", pid "
            + holder.get("pid")
            + ", started "
            + holder.get("started")
            + ", alive "
            + secondsSince(holder.get("heartbeat"))
            + " s ago). Only one run may use a checkpoint folder at a"
            + " time; stop that run first. If it is dead, its lock "
            + file
            + " expires "
            + EXPIRY.toMinutes()
            + " min after its last heartbeat, or delete that file.");
  }

  /**
   * On S3, reads the lock back after {@link #CONFIRM}: a store that ignored the conditional write
   * let a racing run overwrite it, and the last writer is the holder.
   */
  private void confirm(String took) throws IOException {
    if (exclusive.confirmByReadingBack()) {
      if (!exclusive.conditionalWrites()) {
        LOG.warn(
            "The store refused conditional writes (fs.s3a.create.conditional.enabled=false): the"
                + " run lock {} is not created atomically; two runs started within {} ms of each"
                + " other are told apart by reading it back",
            file,
            CONFIRM.toMillis());
      }
      try {
        Thread.sleep(CONFIRM.toMillis()); // long enough for a racing PUT to have landed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted while taking the run lock " + file, e);
      }
      Map<String, String> holder = read();
      if (!owner.equals(holder.get("owner"))) {
        throw heldBy(holder);
      }
    }
    LOG.info("{} the run lock {}", took, file);
  }

  /**
   * The holder's fields; if the file names no owner, read again for up to {@link #SETTLE}: a live
   * owner is at most a moment away from finishing a write, so a file still empty or unreadable
   * after that was left half-written by a run stopped while writing it (a kill during the
   * heartbeat's rewrite leaves an empty file).
   */
  private Map<String, String> readSettled() throws IOException {
    Map<String, String> holder = read();
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (!holder.containsKey("owner") && fs.exists(file) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(SETTLE.toMillis() / 10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted while reading the run lock " + file, e);
      }
      holder = read();
    }
    return holder.containsKey("owner") ? holder : new LinkedHashMap<>();
  }

  private String unreadableBecause() {
    return "it is gone, or names no owner after "
        + SETTLE.toMillis()
        + " ms (left half-written by a run stopped while writing it)";
  }

  private byte[] content() {
    return ("owner="
            + owner
            + "\nhost="
            + hostName()
            + "\npid="
            + ProcessHandle.current().pid()
            + "\nstarted="
            + startedAt
            + "\nheartbeat="
            + Instant.now()
            + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private Map<String, String> read() {
    Map<String, String> fields = new LinkedHashMap<>();
    try (InputStream in = fs.open(file)) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        int equals = line.indexOf('=');
        if (equals > 0) {
          fields.put(line.substring(0, equals), line.substring(equals + 1).trim());
        }
      }
    } catch (IOException e) {
      // Vanished or half-written: readSettled decides.
      LOG.debug("Cannot read {}", file, e);
    }
    return fields;
  }

  /** Why the holder is dead, or null if it may be alive. */
  private static String staleBecause(Map<String, String> holder) {
    String heartbeat = holder.get("heartbeat");
    if (heartbeat == null) {
      return "it is gone";
    }
    if (hostName().equals(holder.get("host"))) {
      try {
        long pid = Long.parseLong(holder.get("pid"));
        if (ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true)) {
          return "its process " + pid + " on this host has ended";
        }
      } catch (NumberFormatException e) {
        return "it names no process";
      }
    }
    if (secondsSince(heartbeat) > EXPIRY.toSeconds()) {
      return "its last heartbeat was " + secondsSince(heartbeat) + " s ago";
    }
    return null;
  }

  private static long secondsSince(String instant) {
    try {
      return Duration.between(Instant.parse(instant), Instant.now()).toSeconds();
    } catch (RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }

  /** True once the heartbeat found the lock in another run's hands. */
  boolean lost() {
    return lost.get();
  }

  void beat() {
    if (lost.get()) {
      return;
    }
    try {
      String version = exclusive.version();
      Map<String, String> holder = read();
      if (!owner.equals(holder.get("owner"))) {
        lost.set(true);
        LOG.error(
            "The run lock {} is no longer ours: run {} on {} (pid {}) took it over; stopping this run's queries",
            file,
            holder.get("owner"),
            holder.get("host"),
            holder.get("pid"));
        heartbeat.shutdown();
        onLost.run();
        return;
      }
      exclusive.overwriteIfUnchanged(version, content());
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not renew the run lock {}: {}", file, e.toString());
    }
  }

  /** Stops the heartbeat and removes the lock if it is still ours. */
  @Override
  public void close() {
    heartbeat.shutdown();
    try {
      // A beat in progress would write the file again after it is removed, leaving a lock that
      // names a live process (this one) for the next run of this JVM to trip over: let it finish
      // first.
      if (!heartbeat.awaitTermination(30, TimeUnit.SECONDS)) {
        heartbeat.shutdownNow();
      }
    } catch (InterruptedException e) {
      heartbeat.shutdownNow();
      Thread.currentThread().interrupt();
    }
    try {
      if (owner.equals(read().get("owner"))) {
        fs.delete(file, false);
      }
    } catch (IOException e) {
      LOG.warn("Could not remove the run lock {}: {}", file, e.toString());
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}

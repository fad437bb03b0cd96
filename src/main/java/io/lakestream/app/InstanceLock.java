package io.lakestream.app;

import io.lakestream.LakestreamException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import org.apache.hadoop.fs.FileAlreadyExistsException;
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
 * crashed or killed run), or when its heartbeat is older than {@link #EXPIRY}. Taking over renames
 * the stale file first, so of two starting runs only one can win. Works through Hadoop's FileSystem
 * on local disk, HDFS and volumes.
 */
final class InstanceLock implements AutoCloseable {

  static final String FILE_NAME = "_lakestream.lock";
  static final int HEARTBEAT_SECONDS = 10;
  static final Duration EXPIRY = Duration.ofMinutes(2);
  static final Duration SETTLE = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(InstanceLock.class);

  private final FileSystem fs;
  private final Path file;
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

  private InstanceLock(FileSystem fs, Path file, Runnable onLost) {
    this.fs = fs;
    this.file = file;
    this.onLost = onLost;
  }

  /**
   * Takes the lock of {@code checkpointsFolder} and keeps it alive until {@link #close()}.
   *
   * @param onLost called once, from the heartbeat, if another run took the lock over: the caller
   *     must stop writing, as two writers of one checkpoint folder is what the lock prevents
   * @throws HeldElsewhereException if a live run holds it; the message says who and what to do
   */
  static InstanceLock acquire(Configuration hadoopConf, String checkpointsFolder, Runnable onLost) {
    Path file = new Path(checkpointsFolder, FILE_NAME);
    try {
      FileSystem fs = file.getFileSystem(hadoopConf);
      if (fs instanceof ChecksumFileSystem checksummed) {
        // Local disk: no .crc beside the lock, which a kill between the two writes leaves
        // mismatched (the lock then unreadable) and other tools writing it do not update.
        fs = checksummed.getRawFileSystem();
      }
      fs.mkdirs(file.getParent());
      InstanceLock lock = new InstanceLock(fs, file, onLost);
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
      if (tryCreate()) {
        LOG.info("Took the run lock {}", file);
        return;
      }
      Map<String, String> holder = readSettled();
      if (!holder.isEmpty() && !holder.containsKey("heartbeat")) {
        holder.put(
            "heartbeat",
            Instant.ofEpochMilli(fs.getFileStatus(file).getModificationTime()).toString());
      }
      String staleBecause = holder.isEmpty() ? unreadableBecause() : staleBecause(holder);
      if (staleBecause == null) {
        throw new HeldElsewhereException(
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
      LOG.warn("Taking over the run lock {}: {}", file, staleBecause);
      Path aside = new Path(file.getParent(), FILE_NAME + ".stale-" + owner);
      if (fs.rename(file, aside)) {
        fs.delete(aside, false);
      }
    }
    throw new HeldElsewhereException(
        "could not take the run lock " + file + ": other runs keep taking it");
  }

  private boolean tryCreate() throws IOException {
    try (OutputStream out = fs.create(file, false)) {
      out.write(content().getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (fs.exists(file)) {
        return false; // some file systems say "exists" with a plain IOException
      }
      throw e;
    }
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

  private String content() {
    return "owner="
        + owner
        + "\nhost="
        + hostName()
        + "\npid="
        + ProcessHandle.current().pid()
        + "\nstarted="
        + startedAt
        + "\nheartbeat="
        + Instant.now()
        + "\n";
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
      io.lakestream.fs.StateFile.write(fs, file, content().getBytes(StandardCharsets.UTF_8));
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

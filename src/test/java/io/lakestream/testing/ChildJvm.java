package io.lakestream.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Java main class in a separate JVM, as spark-submit would: with Spark's JVM flags,
 * UTC-agnostic default zone, loopback networking, and output captured for the assertion message.
 */
public final class ChildJvm {

  /** The outcome of a finished child JVM. */
  public record Result(int exitCode, String output) {}

  /**
   * A child JVM still running: its output can be awaited line by line, and it can be sent SIGTERM.
   */
  public static final class Running {
    private final Process process;
    private final StringBuilder output = new StringBuilder();
    private final Thread reader;
    private final boolean recordsClassArchive;

    private Running(Process process, boolean recordsClassArchive) {
      this.process = process;
      this.recordsClassArchive = recordsClassArchive;
      this.reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (output) {
                      output.append(line).append('\n');
                      output.notifyAll();
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                } finally {
                  synchronized (output) {
                    output.notifyAll();
                  }
                }
              },
              "child-jvm-output");
      reader.setDaemon(true);
      reader.start();
    }

    /**
     * Waits until the output contains {@code text}; fails if the JVM ends first or the time runs
     * out.
     */
    public void awaitOutput(String text, Duration timeout) throws InterruptedException {
      awaitOutput(text, 1, timeout);
    }

    /** Waits until {@code text} occurs {@code times} times in the output. */
    public void awaitOutput(String text, int times, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      synchronized (output) {
        while (occurrences(text) < times) {
          long left = deadline - System.nanoTime();
          if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
            throw new AssertionError("Child JVM output never showed '" + text + "':\n" + output);
          }
          TimeUnit.NANOSECONDS.timedWait(output, left);
        }
      }
    }

    private int occurrences(String text) {
      int count = 0;
      for (int at = output.indexOf(text); at >= 0; at = output.indexOf(text, at + text.length())) {
        count++;
      }
      return count;
    }

    /** Ends the JVM at once (test clean-up). */
    public void kill() {
      process.destroyForcibly();
    }

    /**
     * Sends SIGTERM with {@code kill}, as an operator or a cluster manager would, and waits for the
     * JVM to end. ({@code Process.destroy()} sends SIGTERM too, but closes our end of the output
     * pipe at once, so everything the JVM prints while it stops would be lost.)
     */
    public Result terminate(Duration timeout) throws InterruptedException, IOException {
      Process kill =
          new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new AssertionError("kill -TERM " + process.pid() + " failed");
      }
      return await(timeout);
    }

    public Result await(Duration timeout) throws InterruptedException {
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new AssertionError("Child JVM did not finish within " + timeout + ":\n" + output());
        }
        reader.join(timeout.toMillis());
        return new Result(process.exitValue(), output());
      } finally {
        process.destroyForcibly();
        if (recordsClassArchive) {
          ClassArchive.recorded(process.isAlive() ? -1 : process.exitValue());
        }
      }
    }

    public String output() {
      synchronized (output) {
        return output.toString();
      }
    }
  }

  private ChildJvm() {}

  public static String property(String name) {
    String value = System.getProperty(name);
    if (value == null) {
      throw new IllegalStateException(
          "System property " + name + " is not set; run this test through Maven (failsafe)");
    }
    return value;
  }

  /** The thin jar plus every runtime dependency (Spark, Delta, logging): what a local run uses. */
  public static String appClasspath() throws IOException {
    return property("lakestream.thinJar")
        + java.io.File.pathSeparator
        + Files.readString(Path.of(property("lakestream.localClasspath"))).trim();
  }

  /**
   * Runs {@code java @spark-jvm-options -cp <classpath> <mainClass> <args>} and waits at most
   * {@code timeout}.
   */
  public static Result run(
      String classpath, String mainClass, List<String> args, Path workDir, Duration timeout)
      throws IOException, InterruptedException {
    return start(classpath, mainClass, args, workDir).await(timeout);
  }

  /** Starts {@code java @spark-jvm-options -cp <classpath> <mainClass> <args>} without waiting. */
  public static Running start(String classpath, String mainClass, List<String> args, Path workDir)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + property("lakestream.sparkJvmOptions"));
    command.add("-Xmx1g");
    // Short runs: C1 only, as scripts/lib.sh starts the app (with the code cache C2 would have
    // had).
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:ReservedCodeCacheSize=240m");
    // The integration tests run two children at once on two cores: the serial collector's run of
    // the sample took some 15 % less CPU than G1's concurrent threads (the GC is not under test).
    command.add("-XX:+UseSerialGC");
    boolean records = false;
    if (classpath.equals(appClasspath())) {
      List<String> sharing = ClassArchive.options(args);
      records = sharing.stream().anyMatch(option -> option.startsWith("-XX:ArchiveClassesAtExit"));
      command.addAll(sharing);
    }
    command.add("-Duser.timezone=Asia/Kolkata");
    command.add(
        "-Dlog4j2.configurationFile="
            + Path.of(property("lakestream.projectDir"), "conf", "log4j2.properties"));
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return new Running(builder.start(), records);
  }

  /**
   * Class data sharing for the app's child JVMs, as the scripts use it: the first child run that
   * halts at no fault point records the classes it loads (its exit some 30 s later), and every
   * later run of this build maps them instead of loading them again (a bronze run on the sample: 20
   * s -> 13 s). Recorded again when the thin jar changes; a JVM that cannot use the archive runs
   * without it ({@code -Xshare:auto}).
   */
  private static final class ClassArchive {
    private static boolean recording;

    /** Recording attempts left in this JVM: each costs its run some 30 s at exit. */
    private static int attemptsLeft = 2;

    static synchronized List<String> options(List<String> args) throws IOException {
      Path folder = Path.of(property("lakestream.projectDir"), "target", "cds-tests");
      Path archive = folder.resolve("app.jsa");
      Path stamp = folder.resolve("app.jsa.stamp");
      Path jar = Path.of(property("lakestream.thinJar"));
      String jarStamp = Files.size(jar) + "@" + Files.getLastModifiedTime(jar).toMillis();
      if (Files.exists(archive)
          && Files.exists(stamp)
          && Files.readString(stamp).equals(jarStamp)) {
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off,cds+dynamic=off");
      }
      boolean halts = args.stream().anyMatch(arg -> arg.startsWith("fault."));
      if (recording || halts || attemptsLeft == 0) {
        return List.of();
      }
      attemptsLeft--;
      Files.createDirectories(folder);
      Files.deleteIfExists(archive);
      Files.writeString(stamp, jarStamp);
      recording = true;
      return List.of(
          "-XX:ArchiveClassesAtExit=" + folder.resolve("app.jsa.recording"),
          "-Xlog:cds=off,cds+dynamic=off");
    }

    /** Keeps what the recording run wrote if it ended normally, else lets a later run record. */
    static synchronized void recorded(int exitCode) {
      Path folder = Path.of(property("lakestream.projectDir"), "target", "cds-tests");
      Path written = folder.resolve("app.jsa.recording");
      try {
        if (exitCode == 0 && Files.exists(written)) {
          Files.move(
              written,
              folder.resolve("app.jsa"),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING,
              java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } else {
          Files.deleteIfExists(written);
        }
      } catch (IOException e) {
        // No archive: later runs start without one, or record again.
      } finally {
        recording = false;
      }
    }
  }
}

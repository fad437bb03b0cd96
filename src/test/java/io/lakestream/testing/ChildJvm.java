package io.lakestream.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Java main class in a separate JVM, as spark-submit would: with Spark's JVM flags, UTC-agnostic
 * default zone, loopback networking, and output captured to a file for the assertion message.
 */
public final class ChildJvm {

  /** The outcome of a finished child JVM. */
  public record Result(int exitCode, String output) {}

  private ChildJvm() {}

  public static String property(String name) {
    String value = System.getProperty(name);
    if (value == null) {
      throw new IllegalStateException("System property " + name + " is not set; run this test through Maven (failsafe)");
    }
    return value;
  }

  /** Runs {@code java @spark-jvm-options -cp <classpath> <mainClass> <args>} and waits at most {@code timeout}. */
  public static Result run(String classpath, String mainClass, List<String> args, Path workDir, Duration timeout)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + property("lakestream.sparkJvmOptions"));
    command.add("-Xmx1g");
    command.add("-Duser.timezone=Asia/Kolkata");
    command.add("-Dlog4j2.configurationFile=" + Path.of(property("lakestream.projectDir"), "conf", "log4j2.properties"));
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(args);
    Path log = Files.createTempFile(workDir, "child-jvm", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process process = builder.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("Child JVM did not finish within " + timeout + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
      }
    } finally {
      process.destroyForcibly();
    }
    return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}

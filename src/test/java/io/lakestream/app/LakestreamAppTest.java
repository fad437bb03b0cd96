package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's outcomes that need no Spark: help, usage errors and configuration errors. */
class LakestreamAppTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return LakestreamApp.runAndReport(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEveryKeyAndExitsZero() {
    assertThat(run("--help")).isZero();

    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("Usage: lakestream [--config <file.properties>] [--set key=value]...")
        .contains(
            "Precedence: --set > Spark conf spark.lakestream.<key> > properties file > default.")
        .contains("  trigger (default: availableNow)")
        .contains("  volume.root\n")
        .contains("  ingest.max_bytes_per_trigger\n      allowed: a size such as 512k, 128m, 1g")
        .contains("  quality.expect.<name>\n      allowed: <warn|drop|fail>: <SQL predicate>");
  }

  @Test
  void unknownArgumentIsAUsageError() {
    assertThat(run("--confg", "x")).isEqualTo(LakestreamApp.BAD_USAGE);

    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("lakestream: unknown argument '--confg'\nRun with --help for usage.\n");
  }

  @Test
  void badConfigurationStopsBeforeSparkOrAnyFolderIsTouched() {
    Path root = dir.resolve("volume");

    int status =
        run(
            "--set",
            "volume.root=" + root,
            "--set",
            "volume.archive=" + root.resolve("landing/old"),
            "--set",
            "trigger=hourly");

    assertThat(status).isEqualTo(LakestreamApp.BAD_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("lakestream: Invalid lakestream configuration:\n")
        .contains(
            "  - volume.archive = '"
                + root.resolve("landing/old")
                + "' (from --set) is not allowed")
        .contains(
            "  - trigger = 'hourly' (from --set) is not allowed: unknown trigger. Allowed: availableNow")
        .endsWith("Run with --help for every key and what it allows.\n");
    // No volume setup ran and no query started: nothing was created under the root.
    assertThat(Files.exists(root)).isFalse();
  }

  @Test
  void missingPropertiesFileIsAConfigurationError() {
    assertThat(run("--config", dir.resolve("missing.properties").toString()))
        .isEqualTo(LakestreamApp.BAD_USAGE);

    assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing.properties' does not exist");
  }
}

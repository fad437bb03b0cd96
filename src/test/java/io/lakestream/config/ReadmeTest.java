package io.lakestream.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table documents every key, so the docs cannot fall behind the code.
 */
class ReadmeTest {

  @Test
  void theConfigurationTableIsTheOneTheDeclarationsGenerate() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    int header = lines.indexOf(ConfigKeyDocs.TABLE_HEADER);
    assertThat(header).as("configuration table header").isNotNegative();
    int end = header;
    while (end < lines.size() && lines.get(end).startsWith("|")) {
      end++;
    }
    // Compared whole: a key added, removed, reworded or reordered in ConfigKeys changes the README.
    assertThat(String.join("\n", lines.subList(header, end)) + "\n")
        .as(
            "README configuration table; regenerate it with: java -cp target/classes"
                + " io.lakestream.config.ConfigKeyDocs")
        .isEqualTo(ConfigKeyDocs.markdownTable());
  }

  @Test
  void everyKeyHasOneRowOfThreeCells() {
    List<String> rows = ConfigKeyDocs.markdownTable().lines().toList();
    assertThat(rows).hasSize(ConfigKeys.ALL.size() + 3); // header, rule, expectation family
    for (ConfigKey key : ConfigKeys.ALL) {
      assertThat(rows)
          .as("row of %s", key.name())
          .filteredOn(row -> row.startsWith("| `" + key.name() + "` | "))
          .hasSize(1);
    }
    // An unescaped pipe inside a cell would split it and shift the columns.
    assertThat(rows)
        .allMatch(row -> row.split("(?<!\\\\)\\|", -1).length == 5, "every row has three cells");
  }

  @Test
  void theReadmeAndTheBenchmarksPageStayShortEnoughToRead() throws IOException {
    // Internals go to src/docs/design.md, per-change lab notes to git history.
    assertThat(Files.readAllLines(Path.of("README.md"))).hasSizeLessThanOrEqualTo(400);
    assertThat(Files.readAllLines(Path.of("src/docs/benchmarks.md"))).hasSizeLessThanOrEqualTo(300);
  }

  @Test
  void theTriggerMatrixIsTheOneTheAppChecks() throws IOException {
    assertThat(Files.readString(Path.of("README.md")))
        .contains(io.lakestream.config.TriggerMatrix.markdown());
  }

  @Test
  void everyTableHasASection() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    for (String table :
        java.util.List.of(
            "bronze_events",
            "quarantine_events",
            "silver_events",
            "gold_event_counts",
            "gold_event_type_totals",
            "gold_user_sessions",
            "audit_batches",
            "archive_log",
            "pipeline_progress",
            "ref_users")) {
      assertThat(readme).as("README section for %s", table).contains("### `" + table + "`");
    }
  }
}

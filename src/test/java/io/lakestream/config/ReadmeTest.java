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
  void everyKeyIsDocumentedWithItsDefault() throws IOException {
    String readme = Files.readString(Path.of("README.md"));

    for (ConfigKey key : ConfigKeys.ALL) {
      String row =
          "| `"
              + key.name()
              + "` | "
              + key.defaultValue().map(value -> "`" + value + "`").orElse("");
      assertThat(readme).as("README row for %s", key.name()).contains(row);
    }
  }

  @Test
  void theConfigurationTableIsOneUnbrokenTable() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    int header = lines.indexOf("| key | default | allowed / meaning |");
    assertThat(header).as("configuration table header").isNotNegative();
    int end = header;
    while (end < lines.size() && lines.get(end).startsWith("|")) {
      end++;
    }
    // A blank line inside the table ends it in Markdown: every key must sit in the contiguous rows.
    List<String> rows = lines.subList(header, end);
    for (ConfigKey key : ConfigKeys.ALL) {
      assertThat(rows)
          .as("row of %s inside the table", key.name())
          .anyMatch(row -> row.startsWith("| `" + key.name() + "` |"));
    }
    assertThat(rows)
        .allMatch(row -> row.split("(?<!\\\\)\\|", -1).length == 5, "every row has three cells");
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

package io.lakestream.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator behind the benchmark and {@code scripts/generate-events.sh}: what it reports is
 * what it wrote, and a seed gives the same files every time (the benchmark compares runs on them).
 */
class EventGeneratorTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theStatsCountWhatTheFilesHold() throws IOException {
    EventGenerator.Stats stats =
        EventGenerator.generate(
            EventGenerator.Spec.of(2000, 3, 42).withRates(0.05, 0.03, 0.01), dir.resolve("a"));

    List<String> lines = new ArrayList<>();
    List<Integer> perFile = new ArrayList<>();
    for (String name : List.of("events-00001.json", "events-00002.json", "events-00003.json")) {
      List<String> file = Files.readAllLines(dir.resolve("a").resolve(name));
      perFile.add(file.size());
      lines.addAll(file);
    }
    assertThat(perFile).containsExactly(667, 667, 666);
    assertThat(stats.lines()).isEqualTo(2000);
    assertThat(
            stats.valid()
                + stats.duplicates()
                + stats.late()
                + stats.malformedJson()
                + stats.badType()
                + stats.missingUserId())
        .isEqualTo(2000);

    int unparseable = 0;
    int withoutUser = 0;
    int repeats = 0;
    Set<String> seen = new HashSet<>();
    for (String line : lines) {
      if (!seen.add(line)) {
        repeats++;
      }
      JsonNode event;
      try {
        event = JSON.readTree(line);
      } catch (IOException e) {
        unparseable++;
        continue;
      }
      if (!event.has("user_id")) {
        withoutUser++;
      }
    }
    assertThat(unparseable).isEqualTo(stats.malformedJson());
    assertThat(withoutUser).isEqualTo(stats.missingUserId());
    assertThat(repeats).isEqualTo(stats.duplicates());
    // Seed 42 gives these counts on every JVM (java.util.Random's sequence is specified).
    assertThat(stats).isEqualTo(new EventGenerator.Stats(2000, 1843, 93, 49, 9, 4, 2));
  }

  @Test
  void aSeedGivesTheSameFilesAndAnotherSeedOthers() throws IOException {
    EventGenerator.Spec spec = EventGenerator.Spec.of(500, 2, 7).withRates(0.05, 0.03, 0.01);
    EventGenerator.generate(spec, dir.resolve("first"));
    EventGenerator.generate(spec, dir.resolve("second"));
    EventGenerator.generate(EventGenerator.Spec.of(500, 2, 8), dir.resolve("other"));

    String first = Files.readString(dir.resolve("first/events-00001.json"));
    assertThat(Files.readString(dir.resolve("second/events-00001.json"))).isEqualTo(first);
    assertThat(Files.readString(dir.resolve("other/events-00001.json"))).isNotEqualTo(first);
  }
}

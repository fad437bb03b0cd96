package io.lakestream.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the pipeline must produce from the sample files with the default configuration, worked out
 * here in plain Java from the files and the README's rules, without Spark or any lakestream class:
 * quarantine reasons, the deduplicated silver events, closed 5-minute windows and 30-minute
 * sessions under the 10-minute watermark, and all-time totals per event type.
 */
public final class SampleReference {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final List<String> REQUIRED =
      List.of("event_id", "user_id", "event_type", "event_time");
  private static final Duration WINDOW = Duration.ofMinutes(5);
  private static final Duration WATERMARK_DELAY = Duration.ofMinutes(10);
  private static final Duration SESSION_GAP = Duration.ofMinutes(30);

  /** A valid event, as silver keeps it. */
  public record Event(String id, String user, String type, Instant time, Double amount) {}

  public record Window(Instant start, String type, long events, Set<String> users, double amount) {}

  public record Session(String user, Instant start, Instant end, long events, Set<String> types) {}

  public final long lines;
  public final Map<String, Long> quarantinedByReason = new TreeMap<>();
  public final List<Event> silver = new ArrayList<>();
  public final Instant watermark;

  /** Windows whose end is at or before the watermark, ordered by start and type. */
  public final List<Window> closedWindows = new ArrayList<>();

  /**
   * Sessions whose last event plus the gap is at or before the watermark, ordered by user and
   * start.
   */
  public final List<Session> closedSessions = new ArrayList<>();

  /** event_type -> [events, total amount rounded to cents], over all silver events. */
  public final Map<String, String> typeTotals = new TreeMap<>();

  private SampleReference(List<String> allLines) {
    lines = allLines.size();
    Set<String> seen = new HashSet<>();
    for (String line : allLines) {
      String reason = classify(line);
      if (reason != null) {
        quarantinedByReason.merge(reason, 1L, Long::sum);
        continue;
      }
      JsonNode node = parse(line);
      Event event =
          new Event(
              node.get("event_id").asText(),
              node.get("user_id").asText(),
              node.get("event_type").asText(),
              OffsetDateTime.parse(node.get("event_time").asText()).toInstant(),
              node.hasNonNull("amount") ? node.get("amount").asDouble() : null);
      if (seen.add(event.id())) {
        silver.add(event);
      }
    }
    watermark =
        silver.stream()
            .map(Event::time)
            .max(Comparator.naturalOrder())
            .orElseThrow()
            .minus(WATERMARK_DELAY);
    windows();
    sessions();
    Map<String, List<Event>> byType = new TreeMap<>();
    silver.forEach(
        event -> byType.computeIfAbsent(event.type(), type -> new ArrayList<>()).add(event));
    byType.forEach(
        (type, events) ->
            typeTotals.put(
                type,
                events.size()
                    + " "
                    + cents(events.stream().mapToDouble(SampleReference::amount).sum())));
  }

  public static SampleReference of(String... fileNames) {
    List<String> lines = new ArrayList<>();
    for (String name : fileNames) {
      try {
        lines.addAll(Files.readAllLines(SampleData.FOLDER.resolve(name)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new SampleReference(lines);
  }

  /** The quarantine reason of a line, or null if it is a valid event. */
  private static String classify(String line) {
    JsonNode node = parse(line);
    if (node == null || !node.isObject()) {
      return "malformed_json";
    }
    for (String field : REQUIRED) {
      if (!node.hasNonNull(field) || node.get(field).asText().isBlank()) {
        return "missing_required_field";
      }
    }
    try {
      OffsetDateTime.parse(node.get("event_time").asText());
    } catch (DateTimeParseException e) {
      return "type_mismatch";
    }
    if (node.hasNonNull("amount") && !node.get("amount").isNumber()) {
      return "type_mismatch";
    }
    return null;
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private void windows() {
    Map<String, List<Event>> groups = new TreeMap<>();
    for (Event event : silver) {
      Instant start =
          event
              .time()
              .truncatedTo(ChronoUnit.MINUTES)
              .minus(
                  event.time().atZone(java.time.ZoneOffset.UTC).getMinute() % 5,
                  ChronoUnit.MINUTES);
      groups.computeIfAbsent(start + " " + event.type(), key -> new ArrayList<>()).add(event);
    }
    groups.forEach(
        (key, events) -> {
          Instant start = Instant.parse(key.substring(0, key.indexOf(' ')));
          if (!start.plus(WINDOW).isAfter(watermark)) {
            Set<String> users = new TreeSet<>();
            events.forEach(event -> users.add(event.user()));
            closedWindows.add(
                new Window(
                    start,
                    events.get(0).type(),
                    events.size(),
                    users,
                    events.stream().mapToDouble(SampleReference::amount).sum()));
          }
        });
  }

  private void sessions() {
    Map<String, List<Instant>> byUser = new TreeMap<>();
    Map<String, Set<String>> typesAt = new LinkedHashMap<>();
    for (Event event : silver) {
      byUser.computeIfAbsent(event.user(), user -> new ArrayList<>()).add(event.time());
      typesAt
          .computeIfAbsent(event.user() + " " + event.time(), key -> new TreeSet<>())
          .add(event.type());
    }
    byUser.forEach(
        (user, times) -> {
          times.sort(Comparator.naturalOrder());
          List<Instant> current = new ArrayList<>(List.of(times.get(0)));
          for (Instant time : times.subList(1, times.size())) {
            if (Duration.between(current.get(current.size() - 1), time).compareTo(SESSION_GAP)
                < 0) {
              current.add(time);
            } else {
              closeIfFinal(user, current, typesAt);
              current = new ArrayList<>(List.of(time));
            }
          }
          closeIfFinal(user, current, typesAt);
        });
  }

  private void closeIfFinal(String user, List<Instant> times, Map<String, Set<String>> typesAt) {
    Instant last = times.get(times.size() - 1);
    if (!last.plus(SESSION_GAP).isAfter(watermark)) {
      Set<String> types = new TreeSet<>();
      new TreeSet<>(times).forEach(time -> types.addAll(typesAt.get(user + " " + time)));
      closedSessions.add(new Session(user, times.get(0), last, times.size(), types));
    }
  }

  public long closedWindowEvents() {
    return closedWindows.stream().mapToLong(Window::events).sum();
  }

  public long closedWindowUsers() {
    return closedWindows.stream().mapToLong(window -> window.users().size()).sum();
  }

  public long closedSessionEvents() {
    return closedSessions.stream().mapToLong(Session::events).sum();
  }

  public double silverAmount() {
    return cents(silver.stream().mapToDouble(SampleReference::amount).sum());
  }

  private static double amount(Event event) {
    return event.amount() == null ? 0 : event.amount();
  }

  public static double cents(double value) {
    return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).doubleValue();
  }
}

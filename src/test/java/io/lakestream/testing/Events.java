package io.lakestream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test events with named times, so a watermark test reads like its story: {@code event("e1", "u1",
 * "click", T0.plus(min(4)))} is "e1, a click by u1 at t0 + 4 min".
 */
public final class Events {

  public static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  private static final AtomicLong arrival = new AtomicLong(System.currentTimeMillis());

  private Events() {}

  public static Duration min(long minutes) {
    return Duration.ofMinutes(minutes);
  }

  public static Instant at(long minutesAfterT0) {
    return T0.plus(min(minutesAfterT0));
  }

  /** A JSON line in the default event contract, with no amount. */
  public static String event(String eventId, String userId, String eventType, Instant time) {
    return event(eventId, userId, eventType, time, null);
  }

  public static String event(
      String eventId, String userId, String eventType, Instant time, Double amount) {
    return "{\"event_id\":\""
        + eventId
        + "\",\"user_id\":\""
        + userId
        + "\",\"event_type\":\""
        + eventType
        + "\",\"event_time\":\""
        + time
        + "\",\"page\":\"/home\",\"device\":\"mobile\",\"amount\":"
        + (amount == null ? "null" : amount)
        + "}";
  }

  /**
   * Writes a JSON-lines file into {@code landing}, with a later modification time than every file
   * written before it: Spark's file source reads files in modification-time order.
   */
  public static Path land(Path landing, String fileName, List<String> lines) {
    try {
      Files.createDirectories(landing);
      Path file = landing.resolve(fileName);
      Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
      Files.setLastModifiedTime(file, FileTime.fromMillis(arrival.addAndGet(1000)));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

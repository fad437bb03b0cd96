package io.lakestream.tools;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Writes N JSON-lines events into M files, deterministically from a seed, with chosen rates of
 * duplicates (an earlier line repeated exactly), late events (event time 30-120 minutes behind the
 * stream) and malformed records (truncated JSON, not JSON, a wrong type, an unparseable timestamp,
 * a missing user_id). Event time advances through the files, so file k holds later events than file
 * k-1.
 *
 * <p>Used by tests and the benchmark; run {@code scripts/generate-events.sh --help} for the
 * options.
 */
public final class EventGenerator {

  /** What to generate. Rates are probabilities per line, in [0, 1). */
  public record Spec(
      int events,
      int files,
      long seed,
      double duplicateRate,
      double lateRate,
      double malformedRate,
      Instant start,
      int users,
      Duration meanGap) {

    public static Spec of(int events, int files, long seed) {
      return new Spec(
          events,
          files,
          seed,
          0.0,
          0.0,
          0.0,
          Instant.parse("2026-11-01T09:00:00Z"),
          50,
          Duration.ofSeconds(6));
    }

    public Spec withRates(double duplicates, double late, double malformed) {
      return new Spec(events, files, seed, duplicates, late, malformed, start, users, meanGap);
    }
  }

  /** How many lines of each kind were written. {@code lines} is their sum. */
  public record Stats(
      int lines,
      int valid,
      int duplicates,
      int late,
      int malformedJson,
      int badType,
      int missingUserId) {

    /** Lines Spark's JSON reader cannot turn into typed rows: malformed JSON and wrong types. */
    public int unparseable() {
      return malformedJson + badType;
    }
  }

  private static final String[] EVENT_TYPES = {
    "page_view", "page_view", "page_view", "click", "click", "add_to_cart", "purchase"
  };
  private static final String[] DEVICES = {"mobile", "desktop", "tablet"};
  private static final String[] PAGES = {
    "/home", "/search", "/products/1", "/products/2", "/products/3", "/cart", "/checkout"
  };

  private EventGenerator() {}

  public static Stats generate(Spec spec, Path folder) {
    if (spec.events() < 0 || spec.files() <= 0) {
      throw new IllegalArgumentException("events must be >= 0 and files > 0");
    }
    try {
      Files.createDirectories(folder);
      Random random = new Random(spec.seed());
      List<String> recent = new ArrayList<>();
      int[] counts = new int[6];
      Instant clock = spec.start();
      int sequence = 0;
      int written = 0;
      for (int file = 0; file < spec.files(); file++) {
        int linesInFile =
            spec.events() / spec.files() + (file < spec.events() % spec.files() ? 1 : 0);
        Path target = folder.resolve(String.format(Locale.ROOT, "events-%05d.json", file + 1));
        try (BufferedWriter out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
          for (int i = 0; i < linesInFile; i++, written++) {
            // Whole seconds keep the files readable; the mean gap between events is meanGap.
            clock =
                clock.plusSeconds(
                    1 + random.nextInt((int) Math.max(1, 2 * spec.meanGap().toSeconds() - 1)));
            double roll = random.nextDouble();
            String line;
            if (roll < spec.duplicateRate() && !recent.isEmpty()) {
              line = recent.get(random.nextInt(recent.size()));
              counts[1]++;
            } else if (roll < spec.duplicateRate() + spec.malformedRate()) {
              line = malformed(random, ++sequence, clock, spec.users(), counts);
            } else {
              boolean late = roll < spec.duplicateRate() + spec.malformedRate() + spec.lateRate();
              Instant eventTime =
                  late ? clock.minus(Duration.ofMinutes(30 + random.nextInt(91))) : clock;
              line = event(random, ++sequence, eventTime, spec.users(), null, null);
              counts[late ? 2 : 0]++;
              recent.add(line);
              if (recent.size() > 200) {
                recent.remove(0);
              }
            }
            out.write(line);
            out.write('\n');
          }
        }
      }
      return new Stats(written, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write events to " + folder, e);
    }
  }

  private static String malformed(
      Random random, int sequence, Instant clock, int users, int[] counts) {
    switch (random.nextInt(5)) {
      case 0 -> {
        counts[3]++;
        String whole = event(random, sequence, clock, users, null, null);
        return whole.substring(0, whole.length() / 2);
      }
      case 1 -> {
        counts[3]++;
        return "not json at all #" + sequence;
      }
      case 2 -> {
        counts[4]++;
        return event(random, sequence, clock, users, "\"amount\":\"abc\"", null);
      }
      case 3 -> {
        counts[4]++;
        return event(
            random, sequence, clock, users, null, "\"event_time\":\"2026-13-45T99:00:00Z\"");
      }
      default -> {
        counts[5]++;
        return event(random, sequence, clock, users, null, null)
            .replaceFirst("\"user_id\":\"u\\d+\",", "");
      }
    }
  }

  private static String event(
      Random random,
      int sequence,
      Instant time,
      int users,
      String amountOverride,
      String timeOverride) {
    String type = EVENT_TYPES[random.nextInt(EVENT_TYPES.length)];
    String amount =
        amountOverride != null
            ? amountOverride
            : type.equals("purchase") || type.equals("add_to_cart")
                ? String.format(Locale.ROOT, "\"amount\":%.2f", 5 + random.nextInt(49_500) / 100.0)
                : "\"amount\":null";
    return "{\"event_id\":\"e"
        + String.format(Locale.ROOT, "%07d", sequence)
        + "\""
        + ",\"user_id\":\"u"
        + String.format(Locale.ROOT, "%03d", random.nextInt(users))
        + "\""
        + ",\"event_type\":\""
        + type
        + "\""
        + ","
        + (timeOverride != null ? timeOverride : "\"event_time\":\"" + time + "\"")
        + ",\"page\":\""
        + PAGES[random.nextInt(PAGES.length)]
        + "\""
        + ",\"device\":\""
        + DEVICES[random.nextInt(DEVICES.length)]
        + "\""
        + ","
        + amount
        + "}";
  }

  public static void main(String[] args) {
    int events = 1000;
    int files = 10;
    long seed = 42;
    double duplicateRate = 0.05;
    double lateRate = 0.03;
    double malformedRate = 0.01;
    Instant start = Instant.parse("2026-11-01T09:00:00Z");
    int users = 50;
    Path out = Path.of("generated-events");
    for (int i = 0; i < args.length; i += 2) {
      if (args[i].equals("--help")) {
        System.out.println(
            "Usage: generate-events.sh [--events N] [--files M] [--seed S] [--duplicate-rate R] [--late-rate R]"
                + " [--malformed-rate R] [--start 2026-11-01T09:00:00Z] [--users U] [--out DIR]");
        return;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value; see --help");
      }
      String value = args[i + 1];
      switch (args[i]) {
        case "--events" -> events = Integer.parseInt(value);
        case "--files" -> files = Integer.parseInt(value);
        case "--seed" -> seed = Long.parseLong(value);
        case "--duplicate-rate" -> duplicateRate = Double.parseDouble(value);
        case "--late-rate" -> lateRate = Double.parseDouble(value);
        case "--malformed-rate" -> malformedRate = Double.parseDouble(value);
        case "--start" -> start = Instant.parse(value);
        case "--users" -> users = Integer.parseInt(value);
        case "--out" -> out = Path.of(value);
        default ->
            throw new IllegalArgumentException("unknown argument " + args[i] + "; see --help");
      }
    }
    Spec spec =
        new Spec(
            events,
            files,
            seed,
            duplicateRate,
            lateRate,
            malformedRate,
            start,
            users,
            Duration.ofSeconds(6));
    Stats stats = generate(spec, out);
    System.out.println("Wrote " + stats + " to " + out.toAbsolutePath());
  }
}

package io.lakestream.config;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which trigger works with which source, operation, output mode and sink, as Spark 4 documents it.
 * The app checks the features a configured run uses against this table at start-up, and the README
 * prints the same table ({@link #markdown()}; a test keeps the two equal).
 */
public final class TriggerMatrix {

  /** The trigger kinds lakestream accepts in {@code trigger}. */
  public enum Kind {
    AVAILABLE_NOW("availableNow"),
    PROCESSING_TIME("processingTime"),
    ONCE("once"),
    CONTINUOUS("continuous");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  private static final Set<Kind> MICRO_BATCH =
      EnumSet.of(Kind.AVAILABLE_NOW, Kind.PROCESSING_TIME, Kind.ONCE);
  private static final Set<Kind> ALL = EnumSet.allOf(Kind.class);

  /** A feature a query can use, with the triggers that support it. */
  public enum Feature {
    FILE_SOURCE(
        "source",
        "files (bronze_events reads the landing folder)",
        MICRO_BATCH,
        "continuous reads only Kafka and rate sources"),
    DELTA_SOURCE(
        "source",
        "Delta table (silver and gold read the layer below)",
        MICRO_BATCH,
        "continuous reads only Kafka and rate sources"),
    MAP_LIKE("operation", "select, where, parse (stateless)", ALL, ""),
    DEDUPLICATION(
        "operation",
        "dropDuplicatesWithinWatermark (silver_events)",
        MICRO_BATCH,
        "continuous allows map-like operations only"),
    AGGREGATION(
        "operation",
        "windowed and global aggregation (gold_event_counts, gold_event_type_totals)",
        MICRO_BATCH,
        "continuous allows map-like operations only"),
    STATEFUL_GROUPS(
        "operation",
        "flatMapGroupsWithState (gold_user_sessions)",
        MICRO_BATCH,
        "continuous allows map-like operations only"),
    APPEND("output mode", "append", ALL, ""),
    UPDATE("output mode", "update", MICRO_BATCH, "continuous supports append only"),
    COMPLETE("output mode", "complete", MICRO_BATCH, "continuous supports append only"),
    FOREACH_BATCH(
        "sink",
        "Delta through foreachBatch (every table)",
        MICRO_BATCH,
        "continuous writes only to Kafka, memory and console"),
    CONSOLE("sink", "console", ALL, ""),
    MEMORY("sink", "memory", ALL, "");

    final String area;
    final String description;
    final Set<Kind> supportedBy;
    final String whyNot;

    Feature(String area, String description, Set<Kind> supportedBy, String whyNot) {
      this.area = area;
      this.description = description;
      this.supportedBy = supportedBy;
      this.whyNot = whyNot;
    }
  }

  private TriggerMatrix() {}

  /**
   * One line per used feature the trigger cannot run, saying why; empty if the trigger can run them
   * all.
   */
  public static List<String> unsupported(Kind trigger, Set<Feature> used) {
    List<String> problems = new ArrayList<>();
    for (Feature feature : used) {
      if (!feature.supportedBy.contains(trigger)) {
        problems.add(feature.area + " " + feature.description + ": " + feature.whyNot);
      }
    }
    return problems;
  }

  /** The matrix as a Markdown table, as the README shows it. */
  public static String markdown() {
    List<String> lines = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of(""));
    for (Kind kind : Kind.values()) {
      header.add("`" + kind.label + "`");
    }
    lines.add(row(header));
    lines.add("|---" + "|---".repeat(Kind.values().length) + "|");
    for (Feature feature : Feature.values()) {
      List<String> cells = new ArrayList<>(List.of(feature.area + ": " + feature.description));
      for (Kind kind : Kind.values()) {
        cells.add(feature.supportedBy.contains(kind) ? "yes" : "no");
      }
      lines.add(row(cells));
    }
    return String.join("\n", lines) + "\n";
  }

  private static String row(List<String> cells) {
    return "| " + String.join(" | ", cells) + " |";
  }
}

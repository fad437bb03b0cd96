package io.lakestream.app;

import io.lakestream.config.ConfigKeyDocs;
import io.lakestream.config.ConfigKeys;

/** The text {@code --help} prints, with every configuration key from {@link ConfigKeys}. */
final class Usage {

  private Usage() {}

  static String text() {
    StringBuilder text =
        new StringBuilder(
            """
            Usage: lakestream [--config <file.properties>] [--set key=value]... [--help]
                   lakestream report [--out <file.html>] [--config <file.properties>] [--set key=value]...
                   lakestream maintain [--config <file.properties>] [--set key=value]...
                   lakestream rebuild silver|gold [--config <file.properties>] [--set key=value]...

            Runs the lakestream streaming pipeline: JSON files in the landing folder -> Delta tables.
            report writes one self-contained HTML page with charts of the volume's pipeline_progress,
            audit_batches, gold_event_counts and quarantine_events (default lakestream-report.html).
            maintain compacts (OPTIMIZE) and vacuums every table once, deletes pipeline_progress and
            audit_batches rows and archived files past their retention, and prints what it did; it takes
            the run lock, so it waits for no run and refuses while one is active (exit 3).
            rebuild resets a layer so that the next run derives it anew from the table before it:
            silver resets silver_events and the gold tables, gold the gold tables (tables and
            checkpoints deleted). The way out when a run stops with exit 4 (a layer's unread history
            was deleted by retention while it was not running).

              --config <file>    properties file (e.g. conf/local.properties); Spark conf
                                 spark.lakestream.config may name it instead
              --set key=value    override one key; repeatable
              --help             print this text

            Precedence: --set > Spark conf spark.lakestream.<key> > properties file > default.

            Keys:
            """);
    text.append(ConfigKeyDocs.helpText())
        .append(
            "\nSpark settings (spark.* other than spark.lakestream.*) may also sit in the properties file.\n");
    return text.toString();
  }
}

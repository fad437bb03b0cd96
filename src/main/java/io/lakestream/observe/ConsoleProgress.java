package io.lakestream.observe;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * What a local run shows while it works: queries running, batches done, rows in per query. On a
 * terminal one status line is redrawn in place at every change. Elsewhere (a pipe, a CI log,
 * spark-submit on a cluster) a line per change would flood the log, which the per-batch log lines
 * already tell, so a plain status line is printed at most once a minute, as a heartbeat of long
 * runs. The run's summary table follows when it ends.
 */
public final class ConsoleProgress implements ProgressSink {

  private static final String REDRAW = "\r\u001b[2K";

  /** How often a status line is printed when standard output is not a terminal. */
  public static final Duration OFF_TERMINAL_EVERY = Duration.ofMinutes(1);

  private final PrintStream out;
  private final boolean terminal;
  private final LongSupplier clockMillis;
  private long lastPlainLineAt;
  private final Map<String, Long> rowsByQuery = new TreeMap<>();
  private int running;
  private long batches;
  private boolean lineOpen;

  public ConsoleProgress(PrintStream out, boolean terminal) {
    this(out, terminal, System::currentTimeMillis);
  }

  ConsoleProgress(PrintStream out, boolean terminal, LongSupplier clockMillis) {
    this.out = out;
    this.terminal = terminal;
    this.clockMillis = clockMillis;
    this.lastPlainLineAt = clockMillis.getAsLong();
  }

  /** Progress on standard output, redrawn in place only if it is a terminal. */
  public static ConsoleProgress onStandardOutput() {
    return new ConsoleProgress(System.out, System.console() != null);
  }

  @Override
  public synchronized void queryStarted(String query) {
    running++;
    rowsByQuery.putIfAbsent(query, 0L);
    show();
  }

  @Override
  public synchronized void batchDone(BatchProgress progress) {
    batches++;
    rowsByQuery.merge(progress.query(), progress.rowsIn(), Long::sum);
    show();
  }

  @Override
  public synchronized void queryEnded(String query, String error) {
    running = Math.max(0, running - 1);
    show();
    if (running == 0 && terminal && lineOpen) {
      out.println();
      lineOpen = false;
    }
  }

  synchronized String status() {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT, "lakestream: %d queries running, %d batches", running, batches));
    rowsByQuery.forEach(
        (query, rows) -> line.append(String.format(Locale.ROOT, ", %s %d", query, rows)));
    return line.append(" rows in").toString();
  }

  private void show() {
    if (terminal) {
      out.print(REDRAW + status());
      lineOpen = true;
    } else {
      long now = clockMillis.getAsLong();
      if (now - lastPlainLineAt < OFF_TERMINAL_EVERY.toMillis()) {
        return;
      }
      lastPlainLineAt = now;
      out.println(status());
    }
    out.flush();
  }
}

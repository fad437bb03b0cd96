package io.lakestream.observe;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a local run shows while it works: queries running, batches done, rows in per query. On a terminal
 * one status line is redrawn in place; otherwise (a pipe, a CI log, a file) each change is a plain line.
 * The run's summary table follows when the run ends.
 */
public final class ConsoleProgress implements ProgressSink {

  private static final String REDRAW = "\r\u001b[2K";

  private final PrintStream out;
  private final boolean terminal;
  private final Map<String, Long> rowsByQuery = new TreeMap<>();
  private int running;
  private long batches;
  private boolean lineOpen;

  public ConsoleProgress(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
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
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "lakestream: %d queries running, %d batches", running, batches));
    rowsByQuery.forEach((query, rows) -> line.append(String.format(Locale.ROOT, ", %s %d", query, rows)));
    return line.append(" rows in").toString();
  }

  private void show() {
    if (terminal) {
      out.print(REDRAW + status());
      lineOpen = true;
    } else {
      out.println(status());
    }
    out.flush();
  }
}

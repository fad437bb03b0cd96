package io.lakestream.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;

/**
 * One self-contained HTML page: the figures as JSON in {@code <script id="report-data">}, Chart.js
 * (from its WebJar, inlined) and a small script that draws six charts from the JSON. Nothing is
 * fetched when the page is opened. Chart.js rather than hand-drawn SVG: axes, legends, stacking and
 * scaling are its job.
 */
public final class HtmlReport {

  static final String DATA_ELEMENT_ID = "report-data";

  private HtmlReport() {}

  public static String render(ObjectNode data, String title) {
    String json = data.toString().replace("</", "<\\/");
    return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>%1$s</title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 24px; color: #222; background: #fafafa; }
          h1 { font-size: 22px; margin: 0 0 4px; }
          .meta { color: #666; margin-bottom: 16px; }
          .grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
          .card { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px; }
          .card h2 { font-size: 15px; margin: 0 0 8px; }
          .chart { position: relative; height: 260px; }
          table { border-collapse: collapse; font-size: 13px; }
          td, th { padding: 3px 12px 3px 0; text-align: left; }
          td.n { text-align: right; }
        </style>
        </head>
        <body>
        <h1>%1$s</h1>
        <div class="meta">Generated %2$s (UTC) from pipeline_progress, audit_batches, gold_event_counts and quarantine_events.</div>
        <div class="meta" id="backlog">%6$s</div>
        <div class="grid">
          <div class="card"><h2>Throughput per batch (rows/s processed)</h2><div class="chart"><canvas id="throughput"></canvas></div></div>
          <div class="card"><h2>Batch duration (ms)</h2><div class="chart"><canvas id="duration"></canvas></div></div>
          <div class="card"><h2>State rows of the stateful queries</h2><div class="chart"><canvas id="stateRows"></canvas></div></div>
          <div class="card"><h2>Events per window by type (gold_event_counts)</h2><div class="chart"><canvas id="eventsByWindow"></canvas></div></div>
          <div class="card"><h2>Quarantined records by reason</h2><div class="chart"><canvas id="quarantineReasons"></canvas></div></div>
          <div class="card"><h2>Files waiting in landing after each batch</h2><div class="chart"><canvas id="filesOutstanding"></canvas></div></div>
          <div class="card"><h2>Rows written per query (audit_batches)</h2><table id="rowsByQuery"><tr><th>query</th><th>batches</th><th>rows</th></tr></table></div>
        </div>
        <script id="%3$s" type="application/json">%4$s</script>
        <script>%5$s</script>
        <script>
        (function () {
          const data = JSON.parse(document.getElementById('%3$s').textContent);
          if (data.missingTables.length) {
            document.querySelector('.meta').textContent += ' Not found, shown empty: ' + data.missingTables.join(', ') + '.';
          }
          const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
          // One colour per query in every chart.
          const queries = [...new Set([...Object.keys(data.throughput), ...Object.keys(data.stateRows)])].sort();
          const colorOf = query => colors[queries.indexOf(query) %% colors.length];
          Chart.defaults.animation = false;
          Chart.defaults.maintainAspectRatio = false;
          function lines(id, byQuery, yTitle) {
            const datasets = Object.keys(byQuery).map(query => ({
              label: query, data: byQuery[query], borderColor: colorOf(query),
              backgroundColor: colorOf(query), tension: 0.2, pointRadius: 3 }));
            new Chart(document.getElementById(id), { type: 'line', data: { datasets },
              options: { scales: { x: { type: 'linear', title: { display: true, text: 'batch id' }, ticks: { precision: 0 } },
                                   y: { beginAtZero: true, title: { display: true, text: yTitle } } } } });
          }
          lines('throughput', data.throughput, 'rows per second');
          lines('duration', data.duration, 'milliseconds');
          lines('stateRows', data.stateRows, 'rows in state');
          lines('filesOutstanding', data.filesOutstanding, 'files');
          const types = Object.keys(data.eventsByWindow.byType);
          new Chart(document.getElementById('eventsByWindow'), { type: 'bar',
            data: { labels: data.eventsByWindow.windows, datasets: types.map((type, i) => ({
              label: type, data: data.eventsByWindow.byType[type], backgroundColor: colors[i %% colors.length] })) },
            options: { scales: { x: { stacked: true, title: { display: true, text: 'window start (UTC)' } },
                                 y: { stacked: true, beginAtZero: true, title: { display: true, text: 'events' } } } } });
          const reasons = Object.keys(data.quarantineReasons);
          new Chart(document.getElementById('quarantineReasons'), { type: 'bar',
            data: { labels: reasons, datasets: [{ label: 'records', data: reasons.map(r => data.quarantineReasons[r]), backgroundColor: '#d62728' }] },
            options: { indexAxis: 'y', plugins: { legend: { display: false } },
                       scales: { x: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'records' } },
                                  y: { title: { display: true, text: 'reason' } } } } });
          const table = document.getElementById('rowsByQuery');
          Object.keys(data.rowsByQuery).forEach(query => {
            const row = table.insertRow();
            row.insertCell().textContent = query;
            const batches = row.insertCell(); batches.className = 'n'; batches.textContent = data.rowsByQuery[query].batches;
            const rows = row.insertCell(); rows.className = 'n'; rows.textContent = data.rowsByQuery[query].rows;
          });
        })();
        </script>
        </body>
        </html>
        """
        .formatted(
            escape(title),
            Instant.now().toString().substring(0, 19).replace('T', ' '),
            DATA_ELEMENT_ID,
            json,
            chartJs(),
            escape(backlogLine(data)));
  }

  /** E.g. "Waiting in landing after bronze_events batch 7: 12 files, 3.4 MB." */
  static String backlogLine(ObjectNode data) {
    if (!data.has("backlog")) {
      return "Waiting in landing: not known (no bronze batch recorded it; archive.mode off or spark"
          + " lists nothing).";
    }
    com.fasterxml.jackson.databind.JsonNode backlog = data.get("backlog");
    return String.format(
        java.util.Locale.ROOT,
        "Waiting in landing after %s batch %d: %d files, %.1f MB.",
        backlog.get("query").asText(),
        backlog.get("batch").asLong(),
        backlog.get("files").asLong(),
        backlog.get("bytes").asLong() / 1048576.0);
  }

  /** Chart.js's UMD build from the org.webjars:chartjs jar on the classpath. */
  static String chartJs() {
    ClassLoader loader = HtmlReport.class.getClassLoader();
    try (InputStream pom =
        loader.getResourceAsStream("META-INF/maven/org.webjars/chartjs/pom.properties")) {
      if (pom == null) {
        throw new IllegalStateException(
            "Chart.js (org.webjars:chartjs) is not on the classpath; run the report with the local classpath");
      }
      Properties properties = new Properties();
      properties.load(pom);
      String path =
          "META-INF/resources/webjars/chartjs/"
              + properties.getProperty("version")
              + "/dist/chart.umd.js";
      try (InputStream script = loader.getResourceAsStream(path)) {
        if (script == null) {
          throw new IllegalStateException("Chart.js is not at " + path);
        }
        return new String(script.readAllBytes(), StandardCharsets.UTF_8)
            .replace("</script", "<\\/script");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}

package io.lakestream.maintain;

import io.lakestream.config.ByteSizes;
import java.util.List;
import java.util.Locale;

/**
 * What a maintenance pass did, table by table, and to the archive folder; printed by the maintain
 * command.
 */
public record MaintenanceReport(
    List<TableReport> tables, long archivedFilesDeleted, long archivedBytesDeleted) {

  public MaintenanceReport {
    tables = List.copyOf(tables);
  }

  MaintenanceReport(List<TableReport> tables, ArchiveRetention.Deleted archived) {
    this(tables, archived.files(), archived.bytes());
  }

  public String render() {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "%-24s %17s %21s %21s %13s%n",
            "table",
            "active files",
            "files in folder",
            "data in folder",
            "rows expired"));
    for (TableReport table : tables) {
      text.append(
          String.format(
              Locale.ROOT,
              "%-24s %7d -> %-7d %9d -> %-9d %9s -> %-9s %13s%n",
              table.table(),
              table.activeFilesBefore(),
              table.activeFilesAfter(),
              table.dataFilesBefore(),
              table.dataFilesAfter(),
              ByteSizes.format(table.dataBytesBefore()),
              ByteSizes.format(table.dataBytesAfter()),
              table.rowsExpired() < 0 ? "-" : Long.toString(table.rowsExpired())));
    }
    text.append(
        String.format(
            Locale.ROOT,
            "archive: %d files older than archive.retention deleted (%s)%n",
            archivedFilesDeleted,
            ByteSizes.format(archivedBytesDeleted)));
    return text.toString();
  }
}

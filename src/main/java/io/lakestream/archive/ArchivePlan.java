package io.lakestream.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The moves one batch still owes, saved before the first of them so that a crash at any point can
 * be finished later: a first JSON line with what the batch committed, then one per file with its
 * source, chosen destination (none when deleting), size and the batch that ingested it. The file is
 * replaced atomically (write aside, then rename).
 */
public record ArchivePlan(long batchId, CommittedRows committed, List<Entry> entries) {

  /**
   * One file to archive. {@code destination} is null in delete mode; {@code sizeBytes} is -1 if
   * unknown.
   */
  public record Entry(long batchId, Path source, Path destination, long sizeBytes) {
    Entry withDestination(Path newDestination) {
      return new Entry(batchId, source, newDestination, sizeBytes);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  public ArchivePlan {
    entries = List.copyOf(entries);
  }

  ArchivePlan withEntries(List<Entry> remaining) {
    return new ArchivePlan(batchId, committed, remaining);
  }

  static ArchivePlan read(FileSystem fs, Path file, long batchId) throws IOException {
    List<Entry> entries = new ArrayList<>();
    CommittedRows committed;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
      committed = committedRows(JSON.readTree(in.readLine()));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!line.isBlank()) {
          JsonNode node = JSON.readTree(line);
          entries.add(
              new Entry(
                  node.path("batchId").asLong(),
                  path(node.path("source").asText()),
                  node.hasNonNull("destination") ? path(node.path("destination").asText()) : null,
                  node.path("sizeBytes").asLong(-1)));
        }
      }
    }
    return new ArchivePlan(batchId, committed, entries);
  }

  static ObjectNode json(CommittedRows committed) {
    ObjectNode node = JSON.createObjectNode();
    node.put("rows", committed.rows());
    node.put("quarantined", committed.quarantined());
    node.put("warned", committed.warned());
    return node;
  }

  static CommittedRows committedRows(JsonNode node) {
    return new CommittedRows(
        node.path("rows").asLong(),
        node.path("quarantined").asLong(),
        node.path("warned").asLong());
  }

  void write(FileSystem fs, Path file) throws IOException {
    Path aside = new Path(file.getParent(), "." + file.getName() + ".tmp");
    try (OutputStream out = fs.create(aside, true)) {
      out.write((JSON.writeValueAsString(json(committed)) + "\n").getBytes(StandardCharsets.UTF_8));
      for (Entry entry : entries) {
        ObjectNode node = JSON.createObjectNode();
        node.put("batchId", entry.batchId());
        node.put("source", entry.source().toUri().toString());
        node.put(
            "destination",
            entry.destination() == null ? null : entry.destination().toUri().toString());
        node.put("sizeBytes", entry.sizeBytes());
        out.write((JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    fs.delete(file, false);
    if (!fs.rename(aside, file)) {
      throw new IOException("Cannot rename " + aside + " to " + file);
    }
  }

  private static Path path(String uri) throws IOException {
    try {
      return new Path(new URI(uri));
    } catch (URISyntaxException e) {
      throw new IOException("Bad path in archive plan: " + uri, e);
    }
  }
}

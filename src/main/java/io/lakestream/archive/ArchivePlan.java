package io.lakestream.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.fs.StateFile;
import java.io.IOException;
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
 * source, chosen destination (none when deleting), size and the batch that ingested it. The first
 * line counts the entries, so a plan cut short reads as none. Written as a {@link StateFile}.
 */
public record ArchivePlan(long batchId, CommittedRows committed, List<Entry> entries) {

  /**
   * One file to archive. {@code destination} is null in delete mode; {@code sizeBytes} and {@code
   * modifiedMillis} (its modification time when planned) are -1 if unknown.
   */
  public record Entry(
      long batchId, Path source, Path destination, long sizeBytes, long modifiedMillis) {
    Entry withDestination(Path newDestination) {
      return new Entry(batchId, source, newDestination, sizeBytes, modifiedMillis);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  public ArchivePlan {
    entries = List.copyOf(entries);
  }

  ArchivePlan withEntries(List<Entry> remaining) {
    return new ArchivePlan(batchId, committed, remaining);
  }

  /**
   * The saved plan, or empty if none is saved or the file is not whole (a crash of an older
   * writer).
   */
  static java.util.Optional<ArchivePlan> read(FileSystem fs, Path file, long batchId)
      throws IOException {
    return StateFile.readParsed(fs, file, content -> parse(content, batchId));
  }

  private static ArchivePlan parse(byte[] content, long batchId) throws IOException {
    List<Entry> entries = new ArrayList<>();
    String[] lines = new String(content, StandardCharsets.UTF_8).split("\n");
    JsonNode head = JSON.readTree(lines[0]);
    if (head == null || !head.has("rows")) {
      throw new IOException("no first line with the committed rows");
    }
    for (int i = 1; i < lines.length; i++) {
      if (!lines[i].isBlank()) {
        JsonNode node = JSON.readTree(lines[i]);
        entries.add(
            new Entry(
                node.path("batchId").asLong(),
                path(node.path("source").asText()),
                node.hasNonNull("destination") ? path(node.path("destination").asText()) : null,
                node.path("sizeBytes").asLong(-1),
                node.path("modifiedMillis").asLong(-1)));
      }
    }
    if (head.has("entries") && head.get("entries").asInt() != entries.size()) {
      throw new IOException(
          "it lists " + entries.size() + " of its " + head.get("entries").asInt() + " files");
    }
    return new ArchivePlan(batchId, committedRows(head), entries);
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
    StringBuilder text = new StringBuilder();
    text.append(JSON.writeValueAsString(json(committed).put("entries", entries.size())))
        .append('\n');
    for (Entry entry : entries) {
      ObjectNode node = JSON.createObjectNode();
      node.put("batchId", entry.batchId());
      node.put("source", entry.source().toUri().toString());
      node.put(
          "destination",
          entry.destination() == null ? null : entry.destination().toUri().toString());
      node.put("sizeBytes", entry.sizeBytes());
      node.put("modifiedMillis", entry.modifiedMillis());
      text.append(JSON.writeValueAsString(node)).append('\n');
    }
    StateFile.write(fs, file, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static Path path(String uri) throws IOException {
    try {
      return new Path(new URI(uri));
    } catch (URISyntaxException e) {
      throw new IOException("Bad path in archive plan: " + uri, e);
    }
  }
}

package io.lakestream.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.fs.StateFile;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * How one table's outboxes append to it, kept in a small JSON file beside the checkpoints: the
 * Delta {@code txnAppId} every flush writes under, the {@code txnVersion} of the last flush, and
 * the flush under way.
 *
 * <p>Before a flush commits, its version and, per outbox folder, the highest batch id it carries
 * are saved as {@link Pending}; after the commit they are cleared. A crash in between leaves the
 * pending flush here, and the next flush writes exactly those rows again under the same version:
 * Delta skips the write if the first attempt committed, and commits it if not, so the rows land
 * once without reading the table.
 *
 * <p>The id is drawn at random when the file is created: a volume whose checkpoints were deleted
 * (and with them this file) starts a new id, whose versions no earlier flush used.
 */
record OutboxFlushState(String appId, long version, Optional<OutboxFlushState.Pending> pending) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A flush whose commit may or may not have happened: its version and, per outbox folder, its last
   * batch id.
   */
  record Pending(long version, Map<String, Long> upTo) {
    Pending {
      upTo = Map.copyOf(upTo);
    }
  }

  static OutboxFlushState fresh(String tableName) {
    return new OutboxFlushState(
        "lakestream-outbox-" + tableName + "-" + UUID.randomUUID(), 0, Optional.empty());
  }

  /** The saved state; empty if none was saved (a new volume, or a kill before the first save). */
  static Optional<OutboxFlushState> read(FileSystem fs, Path file) throws IOException {
    JsonNode root;
    try (InputStream in = fs.open(file)) {
      root = JSON.readTree(in);
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
    Optional<Pending> pending = Optional.empty();
    JsonNode flush = root.get("pending");
    if (flush != null && !flush.isNull()) {
      Map<String, Long> upTo = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = flush.get("up_to").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> folder = it.next();
        upTo.put(folder.getKey(), folder.getValue().asLong());
      }
      pending = Optional.of(new Pending(flush.get("version").asLong(), upTo));
    }
    return Optional.of(
        new OutboxFlushState(root.get("app_id").asText(), root.get("version").asLong(), pending));
  }

  /** The next flush, about to commit. */
  OutboxFlushState begin(Map<String, Long> upTo) {
    return new OutboxFlushState(appId, version + 1, Optional.of(new Pending(version + 1, upTo)));
  }

  /** The pending flush committed (or had committed before). */
  OutboxFlushState finished() {
    return new OutboxFlushState(
        appId, pending.map(Pending::version).orElse(version), Optional.empty());
  }

  void save(FileSystem fs, Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("app_id", appId);
    root.put("version", version);
    if (pending.isPresent()) {
      ObjectNode flush = root.putObject("pending");
      flush.put("version", pending.get().version());
      ObjectNode upTo = flush.putObject("up_to");
      new TreeMap<>(pending.get().upTo()).forEach(upTo::put);
    } else {
      root.putNull("pending");
    }
    fs.mkdirs(file.getParent());
    StateFile.write(fs, file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
  }
}

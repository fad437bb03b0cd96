package io.lakestream.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Aggregator;

/**
 * Collects a batch's rejected rows (the {@code quarantine_events} columns) while bronze is written,
 * as one more observed metric, so they need not be read back from the table. Bounded: past {@link
 * #MAX_ROWS} rows or {@link #MAX_BYTES} of raw text the result says "overflow" and the caller reads
 * them back instead; the driver never holds more than that.
 *
 * <p>Input: reason, detail, event_id, raw_record, source_file, ingested_at, batch_id (rows whose
 * reason is null are ignored). Output: a JSON object {@code {"overflow":false,"rows":[[...],
 * ...]}}.
 */
public final class RejectedRows extends Aggregator<Row, RejectedRows.Buffer, String> {

  private static final long serialVersionUID = 1L;

  /**
   * A batch of a million records with 1 % bad ones has 10,000; past the bound they are read back
   * from bronze, a second scan of the whole batch. The bytes bound is what holds the memory.
   */
  static final int MAX_ROWS = 100_000;

  static final long MAX_BYTES = 16L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Rows so far (as plain values), their raw size, and whether a limit was passed. */
  public static final class Buffer implements Serializable {
    private static final long serialVersionUID = 1L;
    final ArrayList<Object[]> rows = new ArrayList<>();
    long bytes;
    boolean overflow;

    void add(Object[] row, long size) {
      if (overflow) {
        return;
      }
      if (rows.size() >= MAX_ROWS || bytes + size > MAX_BYTES) {
        overflow = true;
        rows.clear();
        return;
      }
      rows.add(row);
      bytes += size;
    }
  }

  @Override
  public Buffer zero() {
    return new Buffer();
  }

  @Override
  public Buffer reduce(Buffer buffer, Row row) {
    if (row.isNullAt(0)) {
      return buffer;
    }
    Object[] values = new Object[7];
    for (int i = 0; i < 7; i++) {
      values[i] = row.get(i);
    }
    String raw = row.getString(3);
    buffer.add(values, raw == null ? 0 : raw.length());
    return buffer;
  }

  @Override
  public Buffer merge(Buffer a, Buffer b) {
    if (b.overflow) {
      a.overflow = true;
      a.rows.clear();
      return a;
    }
    for (Object[] row : b.rows) {
      String raw = (String) row[3];
      a.add(row, raw == null ? 0 : raw.length());
    }
    return a;
  }

  @Override
  public String finish(Buffer buffer) {
    ObjectNode result = JSON.createObjectNode();
    result.put("overflow", buffer.overflow);
    ArrayNode rows = result.putArray("rows");
    for (Object[] row : buffer.rows) {
      ArrayNode values = rows.addArray();
      for (int i = 0; i < 5; i++) {
        values.add((String) row[i]);
      }
      values.add(row[5] == null ? null : ((Timestamp) row[5]).toInstant().toString());
      if (row[6] == null) {
        values.addNull();
      } else {
        values.add((Long) row[6]);
      }
    }
    return result.toString();
  }

  @Override
  public Encoder<Buffer> bufferEncoder() {
    return Encoders.javaSerialization(Buffer.class);
  }

  @Override
  public Encoder<String> outputEncoder() {
    return Encoders.STRING();
  }

  /** The rows in {@code quarantine_events}' column order, or empty when a limit was passed. */
  public static Optional<List<Row>> parse(String result) {
    try {
      JsonNode node = JSON.readTree(result);
      if (node.path("overflow").asBoolean()) {
        return Optional.empty();
      }
      List<Row> rows = new ArrayList<>();
      for (JsonNode values : node.path("rows")) {
        rows.add(
            RowFactory.create(
                text(values.get(0)),
                text(values.get(1)),
                text(values.get(2)),
                text(values.get(3)),
                text(values.get(4)),
                values.get(5).isNull()
                    ? null
                    : Timestamp.from(Instant.parse(values.get(5).asText())),
                values.get(6).isNull() ? null : values.get(6).asLong()));
      }
      return Optional.of(rows);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Cannot read the rejected rows observed in the batch", e);
    }
  }

  private static String text(JsonNode value) {
    return value == null || value.isNull() ? null : value.asText();
  }
}

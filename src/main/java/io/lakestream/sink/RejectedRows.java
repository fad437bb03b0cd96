package io.lakestream.sink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
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
 * reason is null are ignored). Output: bytes, read by {@link #parse}.
 */
public final class RejectedRows extends Aggregator<Row, RejectedRows.Buffer, byte[]> {

  private static final long serialVersionUID = 1L;

  /**
   * A batch of a million records with 1 % bad ones has 10,000; past the bound they are read back
   * from bronze, a second scan of the whole batch. The bytes bound is what holds the memory.
   */
  static final int MAX_ROWS = 100_000;

  static final long MAX_BYTES = 16L << 20;

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

  /**
   * The rows as bytes: a flag (overflow), the row count, then each row's five texts, time and batch
   * id, each null-flagged. Not a JSON tree: building and reading one for tens of thousands of rows
   * was what a batch's count step waited on.
   */
  @Override
  public byte[] finish(Buffer buffer) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeBoolean(buffer.overflow);
      out.writeInt(buffer.rows.size());
      for (Object[] row : buffer.rows) {
        for (int i = 0; i < 5; i++) {
          writeText(out, (String) row[i]);
        }
        Timestamp ingestedAt = (Timestamp) row[5];
        out.writeBoolean(ingestedAt != null);
        if (ingestedAt != null) {
          out.writeLong(ingestedAt.getTime());
          out.writeInt(ingestedAt.getNanos());
        }
        out.writeBoolean(row[6] != null);
        if (row[6] != null) {
          out.writeLong((Long) row[6]);
        }
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Encoder<Buffer> bufferEncoder() {
    return Encoders.javaSerialization(Buffer.class);
  }

  @Override
  public Encoder<byte[]> outputEncoder() {
    return Encoders.BINARY();
  }

  /** The rows in {@code quarantine_events}' column order, or empty when a limit was passed. */
  public static Optional<List<Row>> parse(byte[] result) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(result))) {
      if (in.readBoolean()) {
        return Optional.empty();
      }
      int count = in.readInt();
      List<Row> rows = new ArrayList<>(count);
      for (int r = 0; r < count; r++) {
        Object[] values = new Object[7];
        for (int i = 0; i < 5; i++) {
          values[i] = readText(in);
        }
        if (in.readBoolean()) {
          Timestamp ingestedAt = new Timestamp(in.readLong());
          ingestedAt.setNanos(in.readInt());
          values[5] = ingestedAt;
        }
        values[6] = in.readBoolean() ? in.readLong() : null;
        rows.add(RowFactory.create(values));
      }
      return Optional.of(rows);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the rejected rows observed in the batch", e);
    }
  }

  /** Length-prefixed UTF-8 ({@code writeUTF} stops at 64 KB; a raw record may be longer). */
  private static void writeText(DataOutputStream out, String text) throws IOException {
    if (text == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readText(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] utf8 = new byte[length];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }
}

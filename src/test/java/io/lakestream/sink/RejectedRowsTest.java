package io.lakestream.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** The bounded collection of a batch's rejected rows, without Spark. */
class RejectedRowsTest {

  private static final Timestamp INGESTED = Timestamp.from(Instant.parse("2026-01-02T03:04:05Z"));

  private final RejectedRows rejected = new RejectedRows();

  private static Row row(String reason, String raw) {
    return RowFactory.create(reason, "detail", "e1", raw, "file:/landing/a.json", INGESTED, 7L);
  }

  @Test
  void keepsEveryRejectedRowUpToTheRowBoundAndRoundTripsThem() {
    RejectedRows.Buffer buffer = rejected.zero();
    rejected.reduce(buffer, row(null, "{\"fine\":1}"));
    for (int i = 0; i < RejectedRows.MAX_ROWS; i++) {
      rejected.reduce(buffer, row("malformed_json", "x" + i));
    }

    List<Row> rows = RejectedRows.parse(rejected.finish(buffer)).orElseThrow();

    assertThat(rows).hasSize(RejectedRows.MAX_ROWS);
    assertThat(rows.get(0).getString(3)).isEqualTo("x0");
    assertThat(rows.get(RejectedRows.MAX_ROWS - 1).getString(3))
        .isEqualTo("x" + (RejectedRows.MAX_ROWS - 1));
    assertThat(rows.get(0).getTimestamp(5)).isEqualTo(INGESTED);
    assertThat(rows.get(0).getLong(6)).isEqualTo(7L);
  }

  @Test
  void roundTripsNullsLongTextAndTheTimeToTheNanosecond() {
    Timestamp precise = Timestamp.from(Instant.parse("2026-01-02T03:04:05.123456Z"));
    String longRaw = "{\"note\":\"" + "é".repeat(70_000) + "\"}";
    RejectedRows.Buffer buffer = rejected.zero();
    rejected.reduce(
        buffer, RowFactory.create("record_too_large", null, null, longRaw, null, precise, null));

    Row row = RejectedRows.parse(rejected.finish(buffer)).orElseThrow().get(0);

    assertThat(row.getString(0)).isEqualTo("record_too_large");
    assertThat(row.isNullAt(1)).isTrue();
    assertThat(row.isNullAt(2)).isTrue();
    assertThat(row.getString(3)).isEqualTo(longRaw);
    assertThat(row.isNullAt(4)).isTrue();
    assertThat(row.getTimestamp(5)).isEqualTo(precise);
    assertThat(row.isNullAt(6)).isTrue();
  }

  @Test
  void overflowsOneRowPastTheRowBound() {
    RejectedRows.Buffer buffer = rejected.zero();
    for (int i = 0; i <= RejectedRows.MAX_ROWS; i++) {
      rejected.reduce(buffer, row("type_mismatch", "x"));
    }

    assertThat(RejectedRows.parse(rejected.finish(buffer))).isEmpty();
    assertThat(buffer.rows).isEmpty();
  }

  @Test
  void overflowsPastTheBytesBoundWhateverTheRowCount() {
    String raw = "y".repeat(1 << 20);
    RejectedRows.Buffer buffer = rejected.zero();
    for (int i = 0; i < RejectedRows.MAX_BYTES / raw.length(); i++) {
      rejected.reduce(buffer, row("record_too_large", raw));
    }
    assertThat(buffer.overflow).isFalse();

    rejected.reduce(buffer, row("record_too_large", "z"));

    assertThat(RejectedRows.parse(rejected.finish(buffer))).isEmpty();
  }

  @Test
  void aMergeOverflowsWhenEitherPartDidOrTheSumPassesTheBound() {
    RejectedRows.Buffer few = rejected.zero();
    rejected.reduce(few, row("malformed_json", "a"));
    RejectedRows.Buffer overflowed = rejected.zero();
    overflowed.overflow = true;
    assertThat(rejected.merge(few, overflowed).overflow).isTrue();

    RejectedRows.Buffer half = rejected.zero();
    RejectedRows.Buffer otherHalf = rejected.zero();
    for (int i = 0; i < RejectedRows.MAX_ROWS / 2 + 1; i++) {
      rejected.reduce(half, row("malformed_json", "a"));
      rejected.reduce(otherHalf, row("malformed_json", "b"));
    }
    assertThat(rejected.merge(half, otherHalf).overflow).isTrue();
  }
}

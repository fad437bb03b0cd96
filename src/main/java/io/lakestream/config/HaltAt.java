package io.lakestream.config;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a crash test halts the JVM ({@code fault.halt_at}): a {@link FaultPoint}, and for the
 * points inside a micro-batch optionally the batch ({@code before_move@2}), so that one volume can
 * take several kills in a chain, each on a batch the run before never reached (a replay that
 * recovers from the kill before passes the same points).
 */
public record HaltAt(FaultPoint point, OptionalLong batch) {

  public static final HaltAt OFF = new HaltAt(FaultPoint.OFF, OptionalLong.empty());

  /** The points that fall inside a micro-batch of the bronze query: the ones that take a batch. */
  private static final Set<FaultPoint> IN_A_BATCH =
      Set.of(
          FaultPoint.AFTER_COMMIT,
          FaultPoint.BEFORE_MOVE,
          FaultPoint.BETWEEN_MOVES,
          FaultPoint.BETWEEN_COPY_AND_DELETE,
          FaultPoint.AFTER_CONTRACT_RECORDED);

  private static final Logger LOG = LoggerFactory.getLogger(HaltAt.class);

  /**
   * {@code point} or {@code point@batch}; throws IllegalArgumentException naming what is allowed.
   */
  static HaltAt parse(String text) {
    String[] parts = text.strip().split("@", -1);
    FaultPoint point = ConfigReader.choice(parts[0], FaultPoint.class);
    if (parts.length == 1) {
      return new HaltAt(point, OptionalLong.empty());
    }
    if (parts.length > 2 || !IN_A_BATCH.contains(point) || !parts[1].matches("\\d{1,18}")) {
      throw new IllegalArgumentException(
          "only a point inside a batch takes @<batch id>, a whole number: "
              + IN_A_BATCH.stream().map(HaltAt::name).sorted().toList());
    }
    return new HaltAt(point, OptionalLong.of(Long.parseLong(parts[1])));
  }

  /** Halts the JVM if this is {@code at}, a point outside any batch. */
  public void haltIfAt(FaultPoint at) {
    if (point != FaultPoint.OFF && point == at) {
      halt();
    }
  }

  /** Halts the JVM if this is {@code at} in any batch or in batch {@code batchId}. */
  public void haltIfAt(FaultPoint at, long batchId) {
    if (point != FaultPoint.OFF && isAt(at, batchId)) {
      halt();
    }
  }

  /**
   * Whether a halt at {@code at} is set for batch {@code batchId} (work done only to halt there).
   */
  public boolean isAt(FaultPoint at, long batchId) {
    return point == at && (batch.isEmpty() || batch.getAsLong() == batchId);
  }

  private void halt() {
    LOG.error(
        "fault.halt_at={}{}: halting the JVM now (crash test)",
        name(point),
        batch.isPresent() ? "@" + batch.getAsLong() : "");
    Runtime.getRuntime().halt(FaultPoint.HALT_STATUS);
  }

  private static String name(FaultPoint point) {
    return point.name().toLowerCase(Locale.ROOT);
  }
}

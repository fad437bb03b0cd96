package io.lakestream.stage.session;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A session still open in a user's state. A JavaBean: Spark encodes it with {@code Encoders.bean}.
 */
public class OpenSession implements Serializable {

  private static final long serialVersionUID = 1L;

  private long startMs;
  private long endMs;
  private long eventCount;
  private List<String> eventTypes = new ArrayList<>();
  private double totalAmount;

  public OpenSession() {}

  static OpenSession of(long timeMs, String eventType, Double amount) {
    OpenSession session = new OpenSession();
    session.startMs = timeMs;
    session.endMs = timeMs;
    session.eventCount = 1;
    session.eventTypes =
        eventType == null ? new ArrayList<>() : new ArrayList<>(List.of(eventType));
    session.totalAmount = amount == null ? 0.0 : amount;
    return session;
  }

  /** Merges sessions into one, in order of start, without a copy per merge. */
  static final class Builder {
    private final long startMs;
    private long endMs;
    private long eventCount;
    private final TreeSet<String> eventTypes = new TreeSet<>();
    private double totalAmount;

    Builder(OpenSession first) {
      this.startMs = first.startMs;
      this.endMs = first.endMs;
      add0(first);
    }

    long endMs() {
      return endMs;
    }

    /** Adds a session that starts no earlier than every one added before. */
    void add(OpenSession session) {
      endMs = Math.max(endMs, session.endMs);
      add0(session);
    }

    private void add0(OpenSession session) {
      eventCount += session.eventCount;
      eventTypes.addAll(session.eventTypes);
      totalAmount += session.totalAmount;
    }

    OpenSession build() {
      OpenSession session = new OpenSession();
      session.startMs = startMs;
      session.endMs = endMs;
      session.eventCount = eventCount;
      session.eventTypes = new ArrayList<>(eventTypes);
      session.totalAmount = totalAmount;
      return session;
    }
  }

  public long getStartMs() {
    return startMs;
  }

  public void setStartMs(long startMs) {
    this.startMs = startMs;
  }

  public long getEndMs() {
    return endMs;
  }

  public void setEndMs(long endMs) {
    this.endMs = endMs;
  }

  public long getEventCount() {
    return eventCount;
  }

  public void setEventCount(long eventCount) {
    this.eventCount = eventCount;
  }

  public List<String> getEventTypes() {
    return eventTypes;
  }

  public void setEventTypes(List<String> eventTypes) {
    this.eventTypes = eventTypes;
  }

  public double getTotalAmount() {
    return totalAmount;
  }

  public void setTotalAmount(double totalAmount) {
    this.totalAmount = totalAmount;
  }
}

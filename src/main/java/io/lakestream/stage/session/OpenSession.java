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

  /** This session and {@code other} as one. */
  OpenSession mergedWith(OpenSession other) {
    OpenSession merged = new OpenSession();
    merged.startMs = Math.min(startMs, other.startMs);
    merged.endMs = Math.max(endMs, other.endMs);
    merged.eventCount = eventCount + other.eventCount;
    TreeSet<String> types = new TreeSet<>(eventTypes);
    types.addAll(other.eventTypes);
    merged.eventTypes = new ArrayList<>(types);
    merged.totalAmount = totalAmount + other.totalAmount;
    return merged;
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

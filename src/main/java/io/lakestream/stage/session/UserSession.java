package io.lakestream.stage.session;

import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * A closed session, as written to {@code gold_user_sessions}. A JavaBean for {@code Encoders.bean}.
 */
public class UserSession implements Serializable {

  private static final long serialVersionUID = 1L;

  private String userId;
  private Timestamp sessionStart;
  private Timestamp sessionEnd;
  private long eventCount;
  private List<String> eventTypes = new ArrayList<>();
  private double totalAmount;

  public UserSession() {}

  static UserSession closed(String userId, OpenSession session) {
    UserSession closed = new UserSession();
    closed.userId = userId;
    closed.sessionStart = new Timestamp(session.getStartMs());
    closed.sessionEnd = new Timestamp(session.getEndMs());
    closed.eventCount = session.getEventCount();
    closed.eventTypes = new ArrayList<>(session.getEventTypes());
    closed.totalAmount = session.getTotalAmount();
    return closed;
  }

  public String getUserId() {
    return userId;
  }

  public void setUserId(String userId) {
    this.userId = userId;
  }

  public Timestamp getSessionStart() {
    return sessionStart;
  }

  public void setSessionStart(Timestamp sessionStart) {
    this.sessionStart = sessionStart;
  }

  public Timestamp getSessionEnd() {
    return sessionEnd;
  }

  public void setSessionEnd(Timestamp sessionEnd) {
    this.sessionEnd = sessionEnd;
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

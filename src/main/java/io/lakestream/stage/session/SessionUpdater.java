package io.lakestream.stage.session;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupState;

/**
 * The per-user state machine behind sessionization, called by {@code flatMapGroupsWithState} with a
 * user's new events, or with none when the user's event-time timeout fires.
 *
 * <p>An event joins every open session it is less than {@code gap} away from (merging them if it
 * bridges two), or opens a new one. A session closes, and is emitted exactly once, when the
 * watermark reaches its last event plus the gap: from then on no event that is not late can extend
 * it. The timeout is set to the earliest such time, so a user who goes quiet still gets the session
 * closed.
 */
public final class SessionUpdater
    implements FlatMapGroupsWithStateFunction<String, Row, SessionState, UserSession> {

  private static final long serialVersionUID = 1L;

  private final long gapMs;

  public SessionUpdater(long gapMs) {
    this.gapMs = gapMs;
  }

  @Override
  public Iterator<UserSession> call(
      String userId, Iterator<Row> events, GroupState<SessionState> state) {
    List<OpenSession> open =
        state.exists() ? new ArrayList<>(state.get().getSessions()) : new ArrayList<>();
    while (events.hasNext()) {
      Row event = events.next();
      Timestamp time = event.getAs("event_time");
      Number amount = event.getAs("amount");
      add(
          open,
          OpenSession.of(
              time.getTime(),
              event.getAs("event_type"),
              amount == null ? null : amount.doubleValue()));
    }

    long watermark = state.getCurrentWatermarkMs();
    List<UserSession> closed = new ArrayList<>();
    List<OpenSession> stillOpen = new ArrayList<>();
    for (OpenSession session : open) {
      if (session.getEndMs() + gapMs <= watermark) {
        closed.add(UserSession.closed(userId, session));
      } else {
        stillOpen.add(session);
      }
    }
    if (stillOpen.isEmpty()) {
      state.remove();
    } else {
      stillOpen.sort(Comparator.comparingLong(OpenSession::getStartMs));
      state.update(new SessionState(stillOpen));
      state.setTimeoutTimestamp(
          stillOpen.stream().mapToLong(OpenSession::getEndMs).min().orElseThrow() + gapMs);
    }
    closed.sort(Comparator.comparing(UserSession::getSessionStart));
    return closed.iterator();
  }

  /**
   * Adds one event (as a one-event session) to the open sessions, merging every session it touches.
   */
  private void add(List<OpenSession> open, OpenSession event) {
    OpenSession merged = event;
    Iterator<OpenSession> iterator = open.iterator();
    while (iterator.hasNext()) {
      OpenSession session = iterator.next();
      boolean touches =
          event.getStartMs() < session.getEndMs() + gapMs
              && event.getStartMs() > session.getStartMs() - gapMs;
      if (touches) {
        merged = merged.mergedWith(session);
        iterator.remove();
      }
    }
    open.add(merged);
  }
}

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
 * bridges two), or opens a new one: a session is a run of events, in event-time order, each less
 * than {@code gap} after the one before. A session closes, and is emitted exactly once, when the
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
    List<OpenSession> pieces =
        state.exists() ? new ArrayList<>(state.get().getSessions()) : new ArrayList<>();
    while (events.hasNext()) {
      Row event = events.next();
      Timestamp time = event.getAs("event_time");
      Number amount = event.getAs("amount");
      pieces.add(
          OpenSession.of(
              time.getTime(),
              event.getAs("event_type"),
              amount == null ? null : amount.doubleValue()));
    }
    List<OpenSession> open = sessionsOf(pieces);

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
      state.update(new SessionState(stillOpen));
      state.setTimeoutTimestamp(
          stillOpen.stream().mapToLong(OpenSession::getEndMs).min().orElseThrow() + gapMs);
    }
    return closed.iterator();
  }

  /**
   * The sessions made of {@code pieces} (the open sessions and the new events as one-event
   * sessions), in order of start: sorted by start, each piece joins the session before it when it
   * starts less than {@code gap} after that session's end, else starts a new one. One sort and one
   * pass, whatever the order the events came in (testing each event against every open session cost
   * a user's batch O(events × sessions), the gold layer's largest cost).
   */
  private List<OpenSession> sessionsOf(List<OpenSession> pieces) {
    pieces.sort(Comparator.comparingLong(OpenSession::getStartMs));
    List<OpenSession> sessions = new ArrayList<>();
    OpenSession.Builder current = null;
    for (OpenSession piece : pieces) {
      if (current != null && piece.getStartMs() < current.endMs() + gapMs) {
        current.add(piece);
      } else {
        if (current != null) {
          sessions.add(current.build());
        }
        current = new OpenSession.Builder(piece);
      }
    }
    if (current != null) {
      sessions.add(current.build());
    }
    return sessions;
  }
}

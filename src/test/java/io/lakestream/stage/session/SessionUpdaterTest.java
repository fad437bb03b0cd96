package io.lakestream.stage.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.TestGroupState;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The session state machine alone, with Spark's {@link TestGroupState}: no session, no query. Times
 * are minutes after midnight UTC on 2026-01-01; the gap is 30 minutes.
 */
class SessionUpdaterTest {

  private static final Instant MIDNIGHT = Instant.parse("2026-01-01T00:00:00Z");
  private static final long GAP_MS = Duration.ofMinutes(30).toMillis();
  private static final StructType EVENT =
      StructType.fromDDL("event_type STRING, event_time TIMESTAMP, amount DOUBLE");

  private final SessionUpdater updater = new SessionUpdater(GAP_MS);

  @Test
  void eventsCloserThanTheGapOpenOneSessionThatWaitsForTheWatermark() {
    TestGroupState<SessionState> state = state(java.util.Optional.empty(), 0, false);

    List<UserSession> closed =
        call(state, event("view", 0, null), event("click", 10, 2.5), event("view", 39, 1.0));

    assertThat(closed).isEmpty();
    assertThat(state.isUpdated()).isTrue();
    assertThat(state.get().getSessions())
        .singleElement()
        .satisfies(
            session -> {
              assertThat(session.getStartMs()).isEqualTo(at(0));
              assertThat(session.getEndMs()).isEqualTo(at(39));
              assertThat(session.getEventCount()).isEqualTo(3);
              assertThat(session.getEventTypes()).containsExactly("click", "view");
              assertThat(session.getTotalAmount()).isEqualTo(3.5);
            });
    // The session can close once the watermark reaches its last event plus the gap.
    assertThat(state.getTimeoutTimestampMs().get()).isEqualTo(at(39) + GAP_MS);
  }

  @Test
  void anEventExactlyTheGapAfterASessionStartsAnotherAndOneBetweenTwoSessionsMergesThem() {
    TestGroupState<SessionState> state = state(java.util.Optional.empty(), 0, false);
    call(state, event("view", 0, null), event("view", 30, null));
    assertThat(state.get().getSessions())
        .extracting(OpenSession::getStartMs)
        .containsExactly(at(0), at(30));

    // 20 minutes after the first session and 10 before the second: one session of all three.
    TestGroupState<SessionState> next = state(java.util.Optional.of(state.get()), 0, false);
    call(next, event("buy", 20, 9.0));
    assertThat(next.get().getSessions())
        .singleElement()
        .satisfies(
            session -> {
              assertThat(session.getStartMs()).isEqualTo(at(0));
              assertThat(session.getEndMs()).isEqualTo(at(30));
              assertThat(session.getEventCount()).isEqualTo(3);
              assertThat(session.getEventTypes()).containsExactly("buy", "view");
              assertThat(session.getTotalAmount()).isEqualTo(9.0);
            });
  }

  @Test
  void theTimeoutEmitsEachClosedSessionOnceAndKeepsTheOpenOnes() {
    TestGroupState<SessionState> state = state(java.util.Optional.empty(), 0, false);
    call(state, event("view", 0, 1.0), event("click", 5, 2.0), event("view", 100, null));
    assertThat(state.get().getSessions()).hasSize(2);
    assertThat(state.getTimeoutTimestampMs().get()).isEqualTo(at(5) + GAP_MS);

    // The watermark passes the first session's end plus the gap, not the second's: the timeout
    // fires for the user.
    TestGroupState<SessionState> timedOut =
        state(java.util.Optional.of(state.get()), at(5) + GAP_MS, true);
    List<UserSession> closed = call(timedOut);
    assertThat(closed)
        .singleElement()
        .satisfies(
            session -> {
              assertThat(session.getUserId()).isEqualTo("u1");
              assertThat(session.getSessionStart()).isEqualTo(new Timestamp(at(0)));
              assertThat(session.getSessionEnd()).isEqualTo(new Timestamp(at(5)));
              assertThat(session.getEventCount()).isEqualTo(2);
              assertThat(session.getEventTypes()).containsExactly("click", "view");
              assertThat(session.getTotalAmount()).isEqualTo(3.0);
            });
    assertThat(timedOut.get().getSessions())
        .extracting(OpenSession::getStartMs)
        .containsExactly(at(100));
    assertThat(timedOut.getTimeoutTimestampMs().get()).isEqualTo(at(100) + GAP_MS);

    // Once the last session closes too, the user's state is removed: nothing is emitted twice.
    TestGroupState<SessionState> last =
        state(java.util.Optional.of(timedOut.get()), at(100) + GAP_MS, true);
    assertThat(call(last))
        .extracting(UserSession::getSessionStart)
        .containsExactly(new Timestamp(at(100)));
    assertThat(last.isRemoved()).isTrue();
  }

  @Test
  void aSessionAlreadyBehindTheWatermarkWhenItsEventsArriveIsEmittedAtOnce() {
    TestGroupState<SessionState> state = state(java.util.Optional.empty(), at(200), false);

    List<UserSession> closed = call(state, event("view", 10, null), event("view", 100, null));

    assertThat(closed)
        .extracting(UserSession::getSessionStart)
        .containsExactly(new Timestamp(at(10)), new Timestamp(at(100)));
    assertThat(state.isRemoved()).isTrue();
  }

  @Test
  void eventsInAnyOrderAndSpreadOverBatchesMakeTheSessionsOfTheirTimeOrder() {
    java.util.Random random = new java.util.Random(7);
    for (int round = 0; round < 50; round++) {
      List<Integer> minutes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        minutes.add(random.nextInt(600));
      }
      // The definition: in time order, an event less than the gap after the one before joins its
      // session.
      List<Integer> sorted = new ArrayList<>(minutes);
      sorted.sort(null);
      List<List<Long>> expected = new ArrayList<>(); // start, end, count
      for (int minute : sorted) {
        List<Long> last = expected.isEmpty() ? null : expected.get(expected.size() - 1);
        if (last != null && at(minute) < last.get(1) + GAP_MS) {
          last.set(1, at(minute));
          last.set(2, last.get(2) + 1);
        } else {
          expected.add(new ArrayList<>(List.of(at(minute), at(minute), 1L)));
        }
      }

      // The same events, shuffled, in three micro-batches; no watermark closes anything.
      java.util.Collections.shuffle(minutes, random);
      java.util.Optional<SessionState> current = java.util.Optional.empty();
      for (List<Integer> batch :
          List.of(minutes.subList(0, 10), minutes.subList(10, 25), minutes.subList(25, 40))) {
        TestGroupState<SessionState> state = state(current, 0, false);
        assertThat(
                call(
                    state,
                    batch.stream().map(minute -> event("view", minute, 1.0)).toArray(Row[]::new)))
            .isEmpty();
        current = java.util.Optional.of(state.get());
      }

      assertThat(current.orElseThrow().getSessions())
          .extracting(
              session -> List.of(session.getStartMs(), session.getEndMs(), session.getEventCount()))
          .as("round %d, minutes %s", round, minutes)
          .containsExactlyElementsOf(expected);
      assertThat(current.orElseThrow().getSessions())
          .allSatisfy(
              session ->
                  assertThat(session.getTotalAmount()).isEqualTo((double) session.getEventCount()));
    }
  }

  private List<UserSession> call(TestGroupState<SessionState> state, Row... events) {
    List<UserSession> closed = new ArrayList<>();
    Iterator<UserSession> output = updater.call("u1", List.of(events).iterator(), state);
    output.forEachRemaining(closed::add);
    return closed;
  }

  private static TestGroupState<SessionState> state(
      java.util.Optional<SessionState> current, long watermarkMs, boolean timedOut) {
    return TestGroupState.create(
        current.map(Optional::of).orElseGet(Optional::empty),
        GroupStateTimeout.EventTimeTimeout(),
        at(0),
        Optional.of((Object) watermarkMs),
        timedOut);
  }

  private static Row event(String type, int minute, Double amount) {
    return new GenericRowWithSchema(new Object[] {type, new Timestamp(at(minute)), amount}, EVENT);
  }

  private static long at(int minute) {
    return MIDNIGHT.plus(Duration.ofMinutes(minute)).toEpochMilli();
  }
}

package io.lakestream.app;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queries one run has started: waiting for them (in order, or until any ends), stopping them
 * all when one fails, and a stop request from another thread (a shutdown hook) that stops them and
 * any started later.
 */
final class RunningQueries {

  private static final Logger LOG = LoggerFactory.getLogger(RunningQueries.class);

  private final SparkSession spark;
  private final List<StreamingQuery> started = new ArrayList<>();
  private volatile boolean stopRequested;

  RunningQueries(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * Remembers a started query so {@link #requestStop} can reach it; stops it at once if a stop came
   * first.
   */
  StreamingQuery track(StreamingQuery query) {
    synchronized (started) {
      // A query that ended is let go: it holds its sources (the file source its map of every file
      // it read), and a long run restarts its queries (a wider contract, a new file-source log).
      started.removeIf(earlier -> !earlier.isActive());
      started.add(query);
    }
    if (stopRequested) {
      stopAll(List.of(query));
    }
    return query;
  }

  void requestStop() {
    stopRequested = true;
    List<StreamingQuery> running;
    synchronized (started) {
      running = List.copyOf(started);
    }
    LOG.info(
        "Stop requested: stopping {} running queries",
        running.stream().filter(StreamingQuery::isActive).count());
    stopAll(running);
  }

  boolean stopRequested() {
    return stopRequested;
  }

  /**
   * Stops the named query on a thread of its own, as Spark requires of a stop asked from the
   * query's own batch; the run then restarts it (bronze, when its contract grew).
   */
  void stopFromAnotherThread(String queryName) {
    List<StreamingQuery> named;
    synchronized (started) {
      named = started.stream().filter(query -> queryName.equals(query.name())).toList();
    }
    if (named.isEmpty()) {
      throw new IllegalStateException(
          "Query " + queryName + " is not among this run's queries; run again to go on");
    }
    Thread stopper = new Thread(() -> stopAll(named), "lakestream-stop-" + queryName);
    stopper.setDaemon(true);
    stopper.start();
  }

  /** Waits for each query to finish; if one fails, stops the others and reports the failed one. */
  List<StreamingQuery> awaitAll(List<StreamingQuery> queries) {
    try {
      for (StreamingQuery query : queries) {
        try {
          query.awaitTermination();
        } catch (StreamingQueryException e) {
          throw QueryFailedException.of(query, e);
        }
      }
      return queries;
    } finally {
      stopAll(queries);
    }
  }

  /** Waits until any query stops (a failure or a stop request), then stops the rest. */
  List<StreamingQuery> awaitAny(List<StreamingQuery> queries) {
    try {
      spark.streams().awaitAnyTermination();
      for (StreamingQuery query : queries) {
        if (query.exception().isDefined()) {
          throw QueryFailedException.of(query, query.exception().get());
        }
      }
      return queries;
    } catch (StreamingQueryException e) {
      throw new QueryFailedException(
          queries.stream()
              .filter(q -> q.exception().isDefined())
              .map(StreamingQuery::name)
              .findFirst()
              .orElse("unknown"),
          e);
    } finally {
      stopAll(queries);
    }
  }

  private static void stopAll(List<StreamingQuery> queries) {
    for (StreamingQuery query : queries) {
      if (query.isActive()) {
        try {
          query.stop();
        } catch (TimeoutException e) {
          LOG.warn("Query {} did not stop in time", query.name(), e);
        }
      }
    }
  }
}

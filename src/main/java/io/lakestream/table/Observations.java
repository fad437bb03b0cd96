package io.lakestream.table;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Await;

/**
 * What a write observed ({@code Dataset.observe}): Spark hands it over through its listener bus,
 * normally within milliseconds of the write's end.
 */
public final class Observations {

  private static final Logger LOG = LoggerFactory.getLogger(Observations.class);

  /** How long to wait before the caller counts what was committed instead. */
  static final Duration WAIT = Duration.ofSeconds(30);

  private Observations() {}

  /**
   * The observed row; empty when the write did not run (Spark then observes an empty row) or when
   * nothing came within {@link #WAIT} (logged, naming {@code what}).
   */
  public static Optional<Row> await(Observation observation, String what) {
    Row observed;
    try {
      observed =
          Await.result(
              observation.future(),
              scala.concurrent.duration.Duration.create(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the counts of " + what, e);
    } catch (TimeoutException e) {
      LOG.warn("No counts from {} within {}; counting what it committed", what, WAIT);
      return Optional.empty();
    }
    return observed.length() == 0 ? Optional.empty() : Optional.of(observed);
  }
}

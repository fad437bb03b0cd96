package io.lakestream.observe;

import io.lakestream.archive.BatchArchiving;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Spark's query events into {@link BatchProgress} for each {@link ProgressSink}. Spark
 * delivers listener events asynchronously, so a run waits with {@link #awaitEnded} until every
 * query's end has been seen before it reads the figures; a sink that throws is logged and never
 * stops the pipeline.
 */
public final class ProgressListener extends StreamingQueryListener {

  private static final Logger LOG = LoggerFactory.getLogger(ProgressListener.class);

  private final List<ProgressSink> sinks;
  private final Map<String, BatchArchiving.FileCounts> filesByBatch = new ConcurrentHashMap<>();
  private final Map<UUID, String> names = new ConcurrentHashMap<>();
  private final Set<UUID> ended = ConcurrentHashMap.newKeySet();

  /** lakestream's id of Spark's batch 0 of a query's current checkpoint (bronze's source log). */
  private final java.util.function.ToLongFunction<String> firstBatchIdOf;

  public ProgressListener(List<ProgressSink> sinks) {
    this(sinks, query -> 0L);
  }

  /**
   * @param firstBatchIdOf lakestream's id of Spark's batch 0 in a query's current checkpoint
   */
  public ProgressListener(
      List<ProgressSink> sinks, java.util.function.ToLongFunction<String> firstBatchIdOf) {
    this.sinks = List.copyOf(sinks);
    this.firstBatchIdOf = firstBatchIdOf;
  }

  /** Called by the bronze writer's archiving, before the batch's progress event is posted. */
  public void filesArchived(String query, long batchId, BatchArchiving.FileCounts files) {
    filesByBatch.put(query + "#" + batchId, files);
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
    names.put(event.id(), event.name());
    each(sink -> sink.queryStarted(event.name()));
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    if (!BatchProgress.ranABatch(event.progress())) {
      return;
    }
    long batchId = firstBatchIdOf.applyAsLong(event.progress().name()) + event.progress().batchId();
    Optional<BatchArchiving.FileCounts> files =
        Optional.ofNullable(filesByBatch.remove(event.progress().name() + "#" + batchId));
    BatchProgress progress = BatchProgress.from(event.progress(), batchId, files);
    each(sink -> sink.batchDone(progress));
  }

  @Override
  public void onQueryIdle(QueryIdleEvent event) {}

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    String name = names.getOrDefault(event.id(), String.valueOf(event.id()));
    each(
        sink ->
            sink.queryEnded(name, event.exception().isDefined() ? event.exception().get() : null));
    synchronized (ended) {
      ended.add(event.id());
      ended.notifyAll();
    }
  }

  /** Waits until the end of each query has been delivered (and so every batch before it). */
  public boolean awaitEnded(Set<UUID> queryIds, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (ended) {
      while (!ended.containsAll(queryIds)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(ended, left);
      }
    }
    return true;
  }

  private void each(java.util.function.Consumer<ProgressSink> call) {
    for (ProgressSink sink : sinks) {
      try {
        call.accept(sink);
      } catch (RuntimeException e) {
        LOG.warn("Progress sink {} failed: {}", sink.getClass().getSimpleName(), e.toString());
      }
    }
  }
}

package io.lakestream.table;

/**
 * The FAIR scheduler pools lakestream's Spark jobs run in (under Spark's default FIFO scheduler the
 * pool is ignored): each streaming query runs in a pool named after it, so a small job of one query
 * does not queue behind the tasks of the others, and bookkeeping appends run in a pool of their
 * own.
 */
public final class SchedulerPools {

  /** Spark's thread-local property naming the pool of the jobs a thread submits. */
  public static final String PROPERTY = "spark.scheduler.pool";

  /** The pool of the outboxes' background appends. */
  public static final String BOOKKEEPING = "lakestream_bookkeeping";

  /** The pool of the users reference's read ahead of silver's first batch. */
  public static final String REFERENCE = "lakestream_reference";

  private SchedulerPools() {}
}

package io.lakestream.table;

import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The FAIR scheduler pools lakestream's Spark jobs run in (under Spark's default FIFO scheduler the
 * pool is ignored): each streaming query runs in a pool named after it, so a small job of one query
 * does not queue behind the tasks of the others, and bookkeeping appends run in a pool of their
 * own.
 *
 * <p>Spark or Delta internals: listed with their gain, version check and fallback in {@code
 * src/docs/design.md} ("Internals of Spark and Delta").
 */
public final class SchedulerPools {

  /** Spark's thread-local property naming the pool of the jobs a thread submits. */
  public static final String PROPERTY = "spark.scheduler.pool";

  /** The pool of the outboxes' background appends. */
  public static final String BOOKKEEPING = "lakestream_bookkeeping";

  /** The pool of the users reference's read ahead of silver's first batch. */
  public static final String REFERENCE = "lakestream_reference";

  /** Spark's setting naming the file that declares the FAIR scheduler's pools. */
  public static final String ALLOCATION_FILE = "spark.scheduler.allocation.file";

  private SchedulerPools() {}

  /**
   * The allocation file declaring the pools of {@code queryNames} and lakestream's own, each as
   * Spark makes an undeclared pool on its first use (FIFO inside, weight 1, no minimum share), so
   * that Spark does not warn about each of them.
   */
  public static String declaration(List<String> queryNames) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<allocations>\n");
    List<String> pools = new java.util.ArrayList<>(queryNames);
    pools.addAll(List.of(BOOKKEEPING, REFERENCE));
    for (String pool : pools) {
      xml.append("  <pool name=\"")
          .append(pool)
          .append("\"><schedulingMode>FIFO</schedulingMode><weight>1</weight>")
          .append("<minShare>0</minShare></pool>\n");
    }
    return xml.append("</allocations>\n").toString();
  }

  /**
   * Names the pool of the jobs this thread submits from now on, and returns the one it named before
   * (null for none; passing null names none). Where the SparkContext is out of reach (Databricks
   * shared and serverless compute refuse it) the jobs run in the default pool.
   */
  public static String use(SparkSession spark, String pool) {
    try {
      String previous = spark.sparkContext().getLocalProperty(PROPERTY);
      spark.sparkContext().setLocalProperty(PROPERTY, pool);
      return previous;
    } catch (RuntimeException e) {
      return null;
    }
  }
}

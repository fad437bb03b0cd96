package io.lakestream.fs;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hadoop configuration lakestream reaches its own files with, as Spark's file sources build it:
 * the session's {@code spark.hadoop.*} settings without their prefix, and every session setting.
 * Spark builds it through its internal {@code sessionState()}; a session that does not offer it (a
 * Databricks shared or serverless compute, another Spark build) gets the same from the session's
 * public conf.
 *
 * <p>Spark or Delta internals: listed with their gain, version check and fallback in {@code
 * src/docs/design.md} ("Internals of Spark and Delta").
 */
public final class SessionHadoopConf {

  private static final Logger LOG = LoggerFactory.getLogger(SessionHadoopConf.class);

  private static final String HADOOP_PREFIX = "spark.hadoop.";

  private static volatile boolean internalUnavailable;

  private SessionHadoopConf() {}

  public static Configuration of(SparkSession spark) {
    if (!internalUnavailable) {
      try {
        return spark.sessionState().newHadoopConf();
      } catch (RuntimeException | LinkageError e) {
        internalUnavailable = true;
        LOG.info(
            "The session's Hadoop configuration is built from its public conf ({})", e.toString());
      }
    }
    return fromSettings(scala.jdk.javaapi.CollectionConverters.asJava(spark.conf().getAll()));
  }

  /** What {@code sessionState().newHadoopConf()} holds, from the session's settings alone. */
  static Configuration fromSettings(Map<String, String> settings) {
    Configuration conf = new Configuration();
    settings.forEach(
        (key, value) -> {
          if (value != null && key.startsWith(HADOOP_PREFIX)) {
            conf.set(key.substring(HADOOP_PREFIX.length()), value);
          }
        });
    settings.forEach(
        (key, value) -> {
          if (value != null) {
            conf.set(key, value);
          }
        });
    return conf;
  }
}

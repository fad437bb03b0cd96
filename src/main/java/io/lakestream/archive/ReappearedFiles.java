package io.lakestream.archive;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds files in the landing folder whose path was already ingested and archived. Spark's file source
 * remembers every path it has read and silently skips a file that comes back under the same name; this
 * makes that visible: each such file is logged once per run and counted in the batch's audit row.
 */
public final class ReappearedFiles {

  private static final Logger LOG = LoggerFactory.getLogger(ReappearedFiles.class);

  private final SparkSession spark;
  private final String landingRoot;
  private final String archiveLogTable;
  private final Set<String> reported = new HashSet<>();

  public ReappearedFiles(SparkSession spark, String landingRoot, String archiveLogTable) {
    this.spark = spark;
    this.landingRoot = landingRoot;
    this.archiveLogTable = archiveLogTable;
  }

  /** Logs and returns the number of reappeared files not reported before in this run. */
  public int check(Configuration hadoopConf) {
    List<String> landed = new ArrayList<>();
    try {
      Path root = new Path(landingRoot);
      FileSystem fs = root.getFileSystem(hadoopConf);
      if (!fs.exists(root)) {
        return 0;
      }
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
      while (files.hasNext()) {
        Path file = files.next().getPath();
        if (!file.getName().startsWith(".") && !file.getName().startsWith("_")) {
          landed.add(ArchivePaths.canonical(fs.makeQualified(file)).toUri().toString());
        }
      }
    } catch (IOException e) {
      LOG.warn("Could not list {} to look for reappeared files: {}", landingRoot, e.toString());
      return 0;
    }
    if (landed.isEmpty()) {
      return 0;
    }
    List<Row> matches =
        spark
            .createDataset(landed, Encoders.STRING())
            .toDF("source")
            .join(
                spark.table(archiveLogTable).where(col("action").isin(Archiver.MOVED, Archiver.DELETED)),
                "source")
            .groupBy("source")
            .agg(org.apache.spark.sql.functions.max("archived_at").as("archived_at"))
            .collectAsList();
    int fresh = 0;
    for (Row match : matches) {
      if (reported.add(match.getString(0))) {
        fresh++;
        LOG.warn(
            "{} is in the landing folder again, but a file of that name was already ingested and archived at {}."
                + " Spark's file source skips names it has read: rename the file to ingest it.",
            match.getString(0),
            match.getTimestamp(1).toInstant());
      }
    }
    return fresh;
  }
}

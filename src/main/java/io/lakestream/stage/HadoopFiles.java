package io.lakestream.stage;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * File system access through Hadoop's {@link FileSystem}, so the same code works on local disk, HDFS,
 * S3/ABFS and Unity Catalog volumes, with the session's Hadoop settings ({@code spark.hadoop.*}).
 */
public final class HadoopFiles {

  private final Configuration hadoopConf;

  public HadoopFiles(SparkSession spark) {
    this.hadoopConf = spark.sessionState().newHadoopConf();
  }

  public FileSystem fileSystemOf(Path path) {
    try {
      return path.getFileSystem(hadoopConf);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot reach the file system of " + path, e);
    }
  }

  /** Creates a folder and its parents; does nothing if it exists. */
  public void mkdirs(String folder) {
    Path path = new Path(folder);
    try {
      if (!fileSystemOf(path).mkdirs(path)) {
        throw new IOException("mkdirs returned false");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create folder " + folder, e);
    }
  }
}

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

  /**
   * Replaces {@code file} with {@code content}: written aside under a hidden name, then renamed into place, so a
   * reader (or a run after a crash) finds the old content or the new, never a part. The old file is removed just
   * before the rename (Hadoop's rename does not overwrite); a crash in between leaves no file, which every state
   * file written this way reads as "nothing saved yet".
   */
  public static void replaceAtomically(FileSystem fs, Path file, byte[] content) throws IOException {
    Path aside = new Path(file.getParent(), "." + file.getName() + "." + java.util.UUID.randomUUID() + ".tmp");
    try (java.io.OutputStream out = fs.create(aside, true)) {
      out.write(content);
    }
    fs.delete(file, false);
    if (!fs.rename(aside, file)) {
      fs.delete(aside, false);
      throw new IOException("rename of " + aside + " to " + file + " returned false");
    }
  }
}

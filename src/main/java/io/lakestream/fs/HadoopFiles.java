package io.lakestream.fs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * File system access through Hadoop's {@link FileSystem}, so the same code works on local disk,
 * HDFS, S3/ABFS and Unity Catalog volumes, with the session's Hadoop settings ({@code
 * spark.hadoop.*}).
 */
public final class HadoopFiles {

  private final Configuration hadoopConf;

  public HadoopFiles(SparkSession spark) {
    this.hadoopConf = SessionHadoopConf.of(spark);
  }

  /** The session's Hadoop configuration these files are reached with. */
  public Configuration hadoopConf() {
    return hadoopConf;
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
   * Whether {@code file} exists as a file. Opening it asks only that (on S3A one HEAD, where {@code
   * exists} adds a LIST to look for a folder of that name); nothing is read.
   */
  public static boolean fileExists(FileSystem fs, Path file) throws IOException {
    try (java.io.InputStream in = fs.open(file)) {
      return true;
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  /**
   * Every file under {@code folder}, recursively, but hidden ones: names starting with {@code _} or
   * {@code .} (as Spark's file sources and Delta skip them: the Delta log, Hadoop's {@code .crc}
   * sidecars, writers' temporary files) are neither listed nor entered. A folder that vanishes
   * while listed is skipped; a missing {@code folder} gives an empty list. {@code listStatus}
   * rather than {@code listFiles}: the latter asks for block locations and permissions, which on a
   * local disk without Hadoop's native library starts an {@code ls} process per file.
   */
  public static List<FileStatus> visibleFiles(FileSystem fs, Path folder) throws IOException {
    List<FileStatus> files = new ArrayList<>();
    addVisibleFiles(fs, folder, files);
    return files;
  }

  private static void addVisibleFiles(FileSystem fs, Path folder, List<FileStatus> into)
      throws IOException {
    FileStatus[] entries;
    try {
      entries =
          fs.listStatus(
              folder, path -> !path.getName().startsWith("_") && !path.getName().startsWith("."));
    } catch (FileNotFoundException e) {
      return;
    }
    for (FileStatus entry : entries) {
      if (entry.isDirectory()) {
        addVisibleFiles(fs, entry.getPath(), into);
      } else {
        into.add(entry);
      }
    }
  }
}

package io.lakestream.table;

import io.delta.storage.LocalLogStore;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Delta's log store for a local disk ({@link LocalLogStore}), except that listing a table's log
 * from a version reads the folder's names and asks the file system only about the files at or after
 * that version.
 *
 * <p>Delta lists {@code _delta_log} from the last checkpoint before every transaction and every
 * snapshot update. Hadoop's local file system answers a listing with a status for every file in the
 * folder (four {@code stat} calls and a {@code Path} each), and a table's log keeps every commit's
 * JSON and checksum until {@code delta.logRetentionDuration}: after 2,400 commits that listing took
 * 180 ms of every append, growing with each commit. Reading the names costs a few milliseconds at
 * that size, and the statuses Delta wants are the dozen files since the checkpoint. Selected with
 * {@code spark.delta.logStore.file.impl} (conf/local.properties); other file systems keep Delta's
 * own stores.
 *
 * <p>Spark or Delta internals: listed with their gain, version check and fallback in {@code
 * src/docs/design.md} ("Internals of Spark and Delta").
 */
public final class LocalDeltaLogStore extends LocalLogStore {

  public LocalDeltaLogStore(Configuration hadoopConf) {
    super(hadoopConf);
  }

  /** The files in {@code path}'s folder whose names sort at or after its name, in path order. */
  @Override
  public Iterator<FileStatus> listFrom(Path path, Configuration hadoopConf) throws IOException {
    FileSystem fs = path.getFileSystem(hadoopConf);
    Path folder = path.getParent();
    String[] names = localFolder(fs, folder).list();
    if (names == null) {
      throw new FileNotFoundException("No such file or directory: " + folder);
    }
    String from = path.getName();
    List<FileStatus> statuses = new ArrayList<>();
    for (String name : names) {
      if (name.compareTo(from) >= 0 && !isHadoopChecksum(name)) {
        try {
          statuses.add(fs.getFileStatus(new Path(folder, name)));
        } catch (FileNotFoundException deletedSinceListed) {
          // Delta's log clean-up may delete an expired file between the two calls, as it may
          // during Hadoop's own listing, which skips such a file too.
        }
      }
    }
    statuses.sort(Comparator.comparing(FileStatus::getPath));
    return statuses.iterator();
  }

  private static File localFolder(FileSystem fs, Path folder) {
    return new File(fs.makeQualified(folder).toUri());
  }

  /** Hadoop's checksum files ({@code .name.crc}), which its local file system hides too. */
  private static boolean isHadoopChecksum(String name) {
    return name.startsWith(".") && name.endsWith(".crc");
  }
}

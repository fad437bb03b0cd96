package io.lakestream.table;

import io.delta.storage.LocalLogStore;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
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
 * that size, and the statuses Delta wants are the dozen files since the checkpoint. Reading them
 * grows with the log too (half a second at a million entries, a week of a batch a second), so the
 * newest names are remembered and checked by name ({@link LogFolderNames}). Selected with {@code
 * spark.delta.logStore.file.impl} (conf/local.properties); other file systems keep Delta's own
 * stores.
 *
 * <p>Spark or Delta internals: listed with their gain, version check and fallback in {@code
 * src/docs/design.md} ("Internals of Spark and Delta").
 */
public final class LocalDeltaLogStore extends LocalLogStore {

  public LocalDeltaLogStore(Configuration hadoopConf) {
    super(hadoopConf);
  }

  /**
   * The files in {@code path}'s folder whose names sort at or after its name, in path order; each
   * status is read as the caller comes to it (Delta's log clean-up stops at the first checkpoint
   * whose versions it keeps).
   */
  @Override
  public Iterator<FileStatus> listFrom(Path path, Configuration hadoopConf) throws IOException {
    FileSystem fs = path.getFileSystem(hadoopConf);
    Path folder = path.getParent();
    Iterator<String> names = LogFolderNames.of(localFolder(fs, folder), path.getName());
    return new Iterator<>() {
      private FileStatus next = advance();

      private FileStatus advance() {
        while (names.hasNext()) {
          String name = names.next();
          if (isHadoopChecksum(name)) {
            continue;
          }
          try {
            return fs.getFileStatus(new Path(folder, name));
          } catch (FileNotFoundException deletedSinceListed) {
            // Delta's log clean-up may delete an expired file after its name was read, as it may
            // during Hadoop's own listing, which skips such a file too.
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public FileStatus next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        FileStatus current = next;
        next = advance();
        return current;
      }
    };
  }

  private static File localFolder(FileSystem fs, Path folder) {
    return new File(fs.makeQualified(folder).toUri());
  }

  /** Hadoop's checksum files ({@code .name.crc}), which its local file system hides too. */
  private static boolean isHadoopChecksum(String name) {
    return name.startsWith(".") && name.endsWith(".crc");
  }
}

package io.lakestream.fs;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}), checksums and all, except that it sets a file's
 * permissions through {@code java.nio} instead of starting a {@code chmod} process.
 *
 * <p>Without Hadoop's native library (which Spark's Maven jars do not ship), {@link
 * RawLocalFileSystem} runs {@code chmod} for every file and folder it creates: twice per file (the
 * file and its {@code .crc}), about 35 processes per bronze micro-batch and 400 in a ten-batch run,
 * each 10-15 ms of a waiting thread, most of them on the batch's own thread (Delta's commit and
 * checksum files, the checkpoint's offsets and commits, Parquet parts). Selected with {@code
 * spark.hadoop.fs.file.impl} (conf/local.properties); where the platform has no POSIX permissions,
 * or for a sticky bit, it does what Hadoop does.
 *
 * <p>Spark or Delta internals: listed with their gain, version check and fallback in {@code
 * src/docs/design.md} ("Internals of Spark and Delta").
 */
public final class ForklessLocalFileSystem extends LocalFileSystem {

  public ForklessLocalFileSystem() {
    super(new RawWithoutForks());
  }

  /** The raw (checksum-less) layer underneath, where Hadoop changes permissions. */
  static final class RawWithoutForks extends RawLocalFileSystem {

    private static final boolean POSIX =
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    @Override
    public void setPermission(Path path, FsPermission permission) throws IOException {
      if (!POSIX || permission.getStickyBit()) {
        super.setPermission(path, permission);
        return;
      }
      // FsPermission prints as chmod's symbolic form, "rwxr-x---", once the sticky bit is ruled
      // out.
      Files.setPosixFilePermissions(
          pathToFile(path).toPath(), PosixFilePermissions.fromString(permission.toString()));
    }
  }
}

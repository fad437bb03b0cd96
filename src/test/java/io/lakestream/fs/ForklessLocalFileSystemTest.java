package io.lakestream.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForklessLocalFileSystemTest {

  @TempDir java.nio.file.Path folder;

  private FileSystem fileSystem() throws Exception {
    Configuration conf = new Configuration(false);
    conf.set("fs.file.impl", ForklessLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    conf.set("fs.permissions.umask-mode", "022");
    return new Path(folder.toUri()).getFileSystem(conf);
  }

  @Test
  void isTheLocalFileSystemThatHadoopAndSparkExpect() throws Exception {
    // FileSystem.getLocal casts to LocalFileSystem: the subclass keeps that working.
    assertThat(fileSystem()).isInstanceOf(LocalFileSystem.class);
    assertThat(fileSystem().getUri().getScheme()).isEqualTo("file");
  }

  @Test
  void createsFilesAndFoldersWithTheRequestedPermissionsAndChecksums() throws Exception {
    FileSystem fs = fileSystem();
    Path dir = new Path(folder.toUri().toString(), "a/b");
    assertThat(fs.mkdirs(dir, new FsPermission((short) 0750))).isTrue();
    Path file = new Path(dir, "part.json");
    try (OutputStream out =
        fs.create(file, new FsPermission((short) 0640), true, 4096, (short) 1, 1 << 20, null)) {
      out.write("{\"a\":1}\n".getBytes(StandardCharsets.UTF_8));
    }

    java.nio.file.Path local = folder.resolve("a/b/part.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local)))
        .isEqualTo("rw-r-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local.getParent())))
        .isEqualTo("rwxr-x---");
    // Still Hadoop's checksummed file system: the .crc beside the file, checked on read.
    assertThat(folder.resolve("a/b/.part.json.crc")).exists();
    assertThat(new String(fs.open(file).readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("{\"a\":1}\n");
    assertThat(fs.getFileStatus(file).getPermission()).isEqualTo(new FsPermission((short) 0640));
  }

  @Test
  void changesPermissionsOfExistingFiles() throws Exception {
    FileSystem fs = fileSystem();
    java.nio.file.Path local = Files.writeString(folder.resolve("x.txt"), "x");
    fs.setPermission(new Path(local.toUri()), new FsPermission((short) 0600));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local)))
        .isEqualTo("rw-------");
  }

  @Test
  void leavesTheStickyBitToHadoop() throws Exception {
    FileSystem fs = fileSystem();
    java.nio.file.Path local = Files.createDirectory(folder.resolve("shared"));
    fs.setPermission(new Path(local.toUri()), new FsPermission((short) 01777));
    assertThat(fs.getFileStatus(new Path(local.toUri())).getPermission().getStickyBit()).isTrue();
  }
}

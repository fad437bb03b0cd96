package io.lakestream.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compressed file is damaged only when its bytes all arrive and its codec still cannot decode
 * them: a sound file, a plain one and a read the storage cut short are not.
 */
class DamagedFilesTest {

  @TempDir java.nio.file.Path dir;

  private final Configuration conf = new Configuration();

  @Test
  void aTruncatedGzipIsDamagedWithTheCodecsReason() throws IOException {
    byte[] whole = gzip(2_000);
    java.nio.file.Path truncated = dir.resolve("t.json.gz");
    Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));

    assertThat(DamagedFiles.damage(conf, new Path(truncated.toUri())))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith(".gz cannot be decoded: EOFException")
                    .contains("Unexpected end of input stream"));
  }

  @Test
  void soundAndUncompressedFilesAreNotDamaged() throws IOException {
    java.nio.file.Path sound = Files.write(dir.resolve("s.json.gz"), gzip(2_000));
    java.nio.file.Path plain = Files.writeString(dir.resolve("p.json"), "not even JSON");

    assertThat(DamagedFiles.damage(conf, new Path(sound.toUri()))).isEmpty();
    assertThat(DamagedFiles.damage(conf, new Path(plain.toUri()))).isEmpty();
    assertThat(DamagedFiles.damage(conf, new Path(dir.resolve("gone.json.gz").toUri()))).isEmpty();
  }

  /** A timeout or throttling half-way through the file says nothing about the file. */
  @Test
  void aReadTheStorageCutsShortIsNoDamage() throws IOException {
    java.nio.file.Path sound = Files.write(dir.resolve("s.json.gz"), gzip(2_000));
    Configuration flaky = new Configuration(conf);
    flaky.setClass(
        "fs.flaky.impl", FailingAfterFirstRead.class, org.apache.hadoop.fs.FileSystem.class);
    flaky.setBoolean("fs.flaky.impl.disable.cache", true);

    int failedBefore = FailingAfterFirstRead.failed.get();

    assertThat(DamagedFiles.damage(flaky, new Path("flaky://" + sound.toUri().getPath())))
        .isEmpty();
    // The read did reach the storage and was cut short there (not a file that could not be opened).
    assertThat(FailingAfterFirstRead.failed.get()).isEqualTo(failedBefore + 1);
  }

  private static byte[] gzip(int lines) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      for (int i = 0; i < lines; i++) {
        out.write(("{\"event_id\":\"e" + i + "\"}\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    return bytes.toByteArray();
  }

  /** A local file system under {@code flaky:} whose reads fail after the first. */
  public static final class FailingAfterFirstRead extends RawLocalFileSystem {
    static final java.util.concurrent.atomic.AtomicInteger failed =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public String getScheme() {
      return "flaky";
    }

    @Override
    public java.net.URI getUri() {
      return java.net.URI.create("flaky:///");
    }

    @Override
    public FSDataInputStream open(Path file, int bufferSize) throws IOException {
      java.io.RandomAccessFile local = new java.io.RandomAccessFile(file.toUri().getPath(), "r");
      return new FSDataInputStream(
          new FSInputStream() {
            private int reads;

            @Override
            public int read() throws IOException {
              fail();
              return local.read();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
              fail();
              return local.read(buffer, offset, length);
            }

            private void fail() throws IOException {
              if (reads++ > 0) {
                failed.incrementAndGet();
                throw new java.net.SocketTimeoutException("read timed out (a test's storage)");
              }
            }

            @Override
            public void seek(long position) throws IOException {
              local.seek(position);
            }

            @Override
            public long getPos() throws IOException {
              return local.getFilePointer();
            }

            @Override
            public boolean seekToNewSource(long target) {
              return false;
            }

            @Override
            public void close() throws IOException {
              local.close();
            }
          });
    }
  }
}

package io.lakestream.source;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.SparkThrowable;

/**
 * Tells a damaged compressed file (a truncated or corrupt {@code .gz}, {@code .bz2}, ...) from a
 * read that failed for a passing reason. Spark's file source has no per-file error hook: a file it
 * cannot read fails the whole micro-batch, and the replay fails the same way at every start. So
 * when a batch fails reading a compressed file, the file is read again here, on the driver, through
 * the same Hadoop codec: it is damaged only if its bytes all arrive and the codec still cannot
 * decode them. A failure of the storage itself (a timeout, throttling) is not damage; that batch
 * fails and is retried as before, so no file is ever set aside for a passing error.
 */
public final class DamagedFiles {

  /** The quarantine reason of a file set aside whole. */
  public static final String UNREADABLE_FILE = "unreadable_file";

  private DamagedFiles() {}

  /**
   * The file Spark's FAILED_READ_FILE error among the causes names (as {@code _metadata.file_path}
   * gives it), if there is one.
   */
  public static Optional<String> fileNamedBy(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SparkThrowable spark
          && spark.getCondition() != null
          && spark.getCondition().startsWith("FAILED_READ_FILE")
          && spark.getMessageParameters().containsKey("path")) {
        String path = spark.getMessageParameters().get("path");
        try {
          URI.create(path);
          return Optional.of(path);
        } catch (IllegalArgumentException notAUri) {
          return Optional.empty();
        }
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return Optional.empty();
  }

  /** The quarantine detail of a file {@code codec} cannot decode. */
  static String codecFailure(CompressionCodec codec, Exception failure) {
    return codec.getDefaultExtension()
        + " cannot be decoded: "
        + failure.getClass().getSimpleName()
        + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
  }

  /**
   * Why {@code file}'s codec cannot decode it, or empty: it is not compressed, it decodes to the
   * end, or its bytes could not all be read (then nothing is known about it).
   */
  public static Optional<String> damage(Configuration hadoopConf, Path file) {
    CompressionCodec codec =
        new CompressionCodecFactory(ZstdCodec.namedIn(hadoopConf)).getCodec(file);
    if (codec == null) {
      return Optional.empty();
    }
    RawBytes raw = null;
    try {
      FileSystem fs = file.getFileSystem(hadoopConf);
      raw = new RawBytes(fs.open(file));
      try (InputStream decoded = codec.createInputStream(raw)) {
        byte[] buffer = new byte[64 * 1024];
        while (decoded.read(buffer) >= 0) {
          // read to the end: only the whole stream proves the file sound
        }
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      if (raw == null || raw.failed()) {
        return Optional.empty(); // the storage failed, not the codec
      }
      return Optional.of(codecFailure(codec, e));
    }
  }
}

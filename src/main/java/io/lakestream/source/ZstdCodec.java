package io.lakestream.source;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionInputStream;
import org.apache.hadoop.io.compress.CompressionOutputStream;
import org.apache.hadoop.io.compress.Compressor;
import org.apache.hadoop.io.compress.Decompressor;

/**
 * Reads {@code .zst} files through zstd-jni, the Zstandard binding Spark itself ships (its shuffle
 * and event-log codec). Hadoop's own {@code ZStandardCodec} needs a libhadoop built with zstd,
 * which Spark's Maven jars do not bring, so without this a {@code .zst} file fails its batch. Named
 * in the landing reads' {@code io.compression.codecs}, which Hadoop lets override the codec it
 * finds for an extension. Streams only: no pooled (de)compressor, no splitting.
 */
public final class ZstdCodec implements CompressionCodec {

  /** Hadoop's list of codec classes, read after the ones it discovers (the last one wins). */
  public static final String CODECS_KEY = "io.compression.codecs";

  /** The option that gives a read of {@code spark} this codec as well as the configured ones. */
  public static java.util.Map<String, String> readOption(org.apache.spark.sql.SparkSession spark) {
    return java.util.Map.of(CODECS_KEY, codecsWith(io.lakestream.fs.SessionHadoopConf.of(spark)));
  }

  /**
   * A copy of {@code hadoopConf} whose codecs include this one: for reads lakestream makes itself.
   */
  public static org.apache.hadoop.conf.Configuration namedIn(
      org.apache.hadoop.conf.Configuration hadoopConf) {
    org.apache.hadoop.conf.Configuration withZstd =
        new org.apache.hadoop.conf.Configuration(hadoopConf);
    withZstd.set(CODECS_KEY, codecsWith(hadoopConf));
    return withZstd;
  }

  /** {@code io.compression.codecs} as configured, with this codec last. */
  private static String codecsWith(org.apache.hadoop.conf.Configuration hadoopConf) {
    String configured = hadoopConf.get(CODECS_KEY);
    return configured == null || configured.isBlank()
        ? ZstdCodec.class.getName()
        : configured + "," + ZstdCodec.class.getName();
  }

  @Override
  public CompressionOutputStream createOutputStream(OutputStream out) throws IOException {
    ZstdOutputStream zstd = new ZstdOutputStream(out);
    return new CompressionOutputStream(zstd) {
      @Override
      public void write(int b) throws IOException {
        zstd.write(b);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        zstd.write(bytes, offset, length);
      }

      @Override
      public void finish() throws IOException {
        zstd.flush();
      }

      @Override
      public void resetState() {
        throw new UnsupportedOperationException("zstd streams are not reset");
      }
    };
  }

  @Override
  public CompressionOutputStream createOutputStream(OutputStream out, Compressor compressor)
      throws IOException {
    return createOutputStream(out);
  }

  @Override
  public Class<? extends Compressor> getCompressorType() {
    return null;
  }

  @Override
  public Compressor createCompressor() {
    return null;
  }

  @Override
  public CompressionInputStream createInputStream(InputStream in) throws IOException {
    ZstdInputStream zstd = new ZstdInputStream(in);
    return new CompressionInputStream(in) {
      @Override
      public int read() throws IOException {
        return zstd.read();
      }

      @Override
      public int read(byte[] bytes, int offset, int length) throws IOException {
        return zstd.read(bytes, offset, length);
      }

      @Override
      public void resetState() {
        throw new UnsupportedOperationException("zstd streams are not reset");
      }

      @Override
      public void close() throws IOException {
        try {
          zstd.close();
        } finally {
          super.close();
        }
      }
    };
  }

  @Override
  public CompressionInputStream createInputStream(InputStream in, Decompressor decompressor)
      throws IOException {
    return createInputStream(in);
  }

  @Override
  public Class<? extends Decompressor> getDecompressorType() {
    return null;
  }

  @Override
  public Decompressor createDecompressor() {
    return null;
  }

  @Override
  public String getDefaultExtension() {
    return ".zst";
  }
}

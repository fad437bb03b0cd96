package io.lakestream.fs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way lakestream writes and reads the small files of its own state (archive plans and
 * markers, outbox rows, the contract, the sink id, caches): after any crash such a file is whole
 * (old or new content) or absent, never a part.
 *
 * <ul>
 *   <li>On an object store (S3A, GCS) a new object becomes visible only when its upload completes,
 *       so the file is written in place.
 *   <li>Elsewhere it is written aside under a hidden name and renamed over the old one. A local
 *       disk's rename replaces the target in one step (without a {@code .crc} sidecar, which would
 *       take a second rename); where rename refuses an existing target (HDFS), Hadoop's {@code
 *       FileContext} renames with {@code OVERWRITE}, atomic on HDFS. A crash while the aside is
 *       written leaves the old file and a hidden {@code .<name>.<id>.tmp} that nothing reads.
 * </ul>
 *
 * A reader still meets files that are not whole: ones written by hand or left by an older
 * lakestream that wrote in place. {@link #read} hands back the bytes of a present file and {@link
 * #readParsed} treats an empty or unparseable one as absent, so the step that wrote it is done
 * again.
 */
public final class StateFile {

  /** File systems whose new files appear whole or not at all (an upload completes or fails). */
  private static final Set<String> ATOMIC_PUT_SCHEMES = Set.of("s3a", "s3", "gs");

  private static final Logger LOG = LoggerFactory.getLogger(StateFile.class);

  /** Hadoop's createFile() option for S3A: no probes before the PUT. */
  private static final String CREATE_PERFORMANCE = "fs.s3a.create.performance";

  /** Crash tests only: the file name whose write halts the JVM half-way, or null. */
  private static volatile String haltWhileWriting;

  private StateFile() {}

  /** Parses a state file's bytes; throws on content that is not whole. */
  @FunctionalInterface
  public interface Parser<T> {
    T parse(byte[] content) throws IOException;
  }

  /**
   * Crash tests ({@code fault.halt_writing}): halt the JVM when a state file named {@code fileName}
   * is half written, as a kill at that instant would. {@code null} turns it off.
   */
  public static void haltWhileWriting(String fileName) {
    haltWhileWriting = fileName;
  }

  /** Replaces {@code file} with {@code content}, whole or not at all. */
  public static void write(FileSystem fs, Path file, byte[] content) throws IOException {
    if (ATOMIC_PUT_SCHEMES.contains(scheme(fs))) {
      // S3A's "performance" create skips the listing that checks the path is no folder: ours are
      // files in lakestream's own folders (an option other stores ignore).
      FSDataOutputStreamBuilder<?, ?> builder = fs.createFile(file).overwrite(true);
      builder.opt(CREATE_PERFORMANCE, true);
      writeAndClose((FSDataOutputStream) builder.build(), file, content);
      return;
    }
    Path aside =
        new Path(file.getParent(), "." + file.getName() + "." + UUID.randomUUID() + ".tmp");
    FileSystem target = fs;
    if (fs instanceof ChecksumFileSystem checksummed) {
      // Renaming through a checksum file system is two renames (the file, then its .crc): a crash
      // between them leaves new content under the old checksum, which every later read refuses.
      // The raw file system renames the one file; the old checksum goes first, and a file without
      // one is read unchecked.
      target = checksummed.getRawFileSystem();
      writeAndClose(target, aside, content);
      target.delete(checksummed.getChecksumFile(file), false);
    } else {
      writeAndClose(target, aside, content);
    }
    if (target.rename(aside, file)) {
      return;
    }
    try {
      FileContext.getFileContext(target.getUri(), target.getConf())
          .rename(aside, file, Options.Rename.OVERWRITE);
    } catch (IOException | RuntimeException e) {
      target.delete(aside, false);
      throw new IOException("Cannot rename " + aside + " to " + file, e);
    }
  }

  /** The bytes of {@code file}, or empty if there is none. */
  private static Optional<byte[]> read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return Optional.of(in.readAllBytes());
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * {@code file} parsed, or empty if there is none or it is not whole (empty, or refused by {@code
   * parser}): left by a hand edit or a store that lost part of a write, it is logged and treated as
   * absent, so the step that writes it runs again.
   */
  public static <T> Optional<T> readParsed(FileSystem fs, Path file, Parser<T> parser)
      throws IOException {
    Optional<byte[]> content;
    try {
      content = read(fs, file);
    } catch (ChecksumException e) {
      content = Optional.of(new byte[0]);
    }
    if (content.isEmpty()) {
      return Optional.empty();
    }
    try {
      if (content.get().length == 0) {
        throw new IOException("the file is empty, or does not match its checksum");
      }
      return Optional.ofNullable(parser.parse(content.get()));
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "{} is not whole ({}): treated as absent; the step that writes it runs again",
          file,
          e.getMessage());
      return Optional.empty();
    }
  }

  private static void writeAndClose(FileSystem fs, Path file, byte[] content) throws IOException {
    writeAndClose(fs.create(file, true), file, content);
  }

  private static void writeAndClose(OutputStream stream, Path file, byte[] content)
      throws IOException {
    try (OutputStream out = stream) {
      String halt = haltWhileWriting;
      if (halt != null
          && file.getName()
              .matches(
                  "\\.?" + java.util.regex.Pattern.quote(halt) + "(\\.[0-9a-f-]{36}\\.tmp)?")) {
        out.write(content, 0, content.length / 2);
        if (out instanceof FSDataOutputStream data) {
          data.hflush();
        }
        out.flush();
        LOG.error("fault.halt_writing={}: halting the JVM half-way through {}", halt, file);
        Runtime.getRuntime().halt(io.lakestream.config.FaultPoint.HALT_STATUS);
      }
      out.write(content);
    }
  }

  private static String scheme(FileSystem fs) {
    String scheme = fs.getUri().getScheme();
    return scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
  }
}

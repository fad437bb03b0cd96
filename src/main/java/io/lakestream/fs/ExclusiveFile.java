package io.lakestream.fs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIOException;

/**
 * One small file that two processes may race to create or to replace: the run lock. Each store does
 * it as atomically as it can.
 *
 * <ul>
 *   <li>Local disk, HDFS, ABFS, GCS: {@code create(file, overwrite=false)} is atomic; a stale file
 *       is replaced by renaming it aside (atomic) and creating anew.
 *   <li>S3A: {@code create(file, false)} is a HEAD then a PUT, two runs can both pass the HEAD.
 *       Hadoop 3.4's S3A sends the PUT with {@code If-None-Match: *} when asked ({@value
 *       #CONDITIONAL_CREATE}), and a replacement with {@code If-Match: <etag>} ({@value
 *       #CONDITIONAL_REPLACE}): S3 answers 412 to the loser. S3-compatible servers that ignore
 *       those headers exist, so on S3 the caller also reads the file back ({@link
 *       #confirmByReadingBack}).
 * </ul>
 */
public final class ExclusiveFile {

  /** Hadoop's createFile() option: PUT with If-None-Match: * (S3A 3.4.2 and later). */
  static final String CONDITIONAL_CREATE = "fs.option.create.conditional.overwrite";

  /** Hadoop's createFile() option: PUT with If-Match: the given etag. */
  static final String CONDITIONAL_REPLACE = "fs.option.create.conditional.overwrite.etag";

  private final FileSystem fs;
  private final Path file;
  private final boolean s3;
  private boolean conditionalWrites;

  private ExclusiveFile(FileSystem fs, Path file) {
    this.fs = fs;
    this.file = file;
    String scheme = fs.getUri().getScheme();
    this.s3 = scheme != null && scheme.toLowerCase(Locale.ROOT).equals("s3a");
    this.conditionalWrites = s3;
  }

  public static ExclusiveFile of(FileSystem fs, Path file) {
    return new ExclusiveFile(fs, file);
  }

  /**
   * True where a create or a replace may have raced another writer unseen (an S3 store that ignores
   * conditional headers): the caller must read the file back a moment later to learn who won.
   */
  public boolean confirmByReadingBack() {
    return s3;
  }

  /**
   * False once the store refused conditional writes ({@code fs.s3a.create.conditional.enabled}).
   */
  public boolean conditionalWrites() {
    return conditionalWrites;
  }

  /** Creates the file with {@code content} if none exists; false if one does. */
  public boolean createIfAbsent(byte[] content) throws IOException {
    if (s3 && fs.exists(file)) {
      return false; // a store ignoring If-None-Match would otherwise overwrite a live holder
    }
    try {
      if (s3 && conditionalWrites) {
        FSDataOutputStreamBuilder<?, ?> builder = fs.createFile(file).overwrite(false);
        builder.must(CONDITIONAL_CREATE, true);
        write(builder, content);
      } else {
        try (OutputStream out = fs.create(file, false)) {
          out.write(content);
        }
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (PathIOException e) {
      if (conditionalWrites && String.valueOf(e.getMessage()).contains("Conditional Writes")) {
        conditionalWrites = false; // fs.s3a.create.conditional.enabled=false
        return createIfAbsent(content);
      }
      return failedBecauseItExists(e);
    } catch (IOException e) {
      return failedBecauseItExists(e);
    }
  }

  /**
   * What identifies the file's current content for {@link #replaceIfUnchanged}: its etag on S3,
   * else its length and modification time; null if it is absent.
   */
  public String version() throws IOException {
    return versionOf(file);
  }

  private String versionOf(Path path) throws IOException {
    try {
      FileStatus status = fs.getFileStatus(path);
      if (status instanceof EtagSource tagged && tagged.getEtag() != null) {
        return tagged.getEtag();
      }
      return status.getLen() + "@" + status.getModificationTime();
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /**
   * Replaces the file with {@code content} if it is still at {@code version}; false if another
   * writer changed or removed it first.
   */
  public boolean replaceIfUnchanged(String version, byte[] content) throws IOException {
    if (s3 && conditionalWrites) {
      try {
        FSDataOutputStreamBuilder<?, ?> builder = fs.createFile(file).overwrite(true);
        builder.must(CONDITIONAL_REPLACE, version);
        write(builder, content);
        return true;
      } catch (FileNotFoundException e) {
        return false;
      } catch (IOException e) {
        if (String.valueOf(e.getMessage()).contains("412")
            || e.getClass().getSimpleName().contains("RemoteFileChanged")) {
          return false;
        }
        throw e;
      }
    }
    // Renaming aside is atomic where rename is (one of two racing runs gets the file); on S3
    // without conditional writes it is a copy and a delete, which the read-back settles.
    Path aside = new Path(file.getParent(), "." + file.getName() + ".stale-" + System.nanoTime());
    if (!version.equals(version()) || !fs.rename(file, aside)) {
      return false;
    }
    if (!s3 && !version.equals(versionOf(aside))) {
      fs.rename(aside, file); // another run replaced it between the check and the rename
      return false;
    }
    fs.delete(aside, false);
    return createIfAbsent(content);
  }

  /**
   * Rewrites the file it holds (the lock's heartbeat): on S3 only if it is still at {@code
   * version}, so a heartbeat never overwrites a run that took the file over a moment before (false
   * then); elsewhere as {@link StateFile#write}.
   */
  public boolean overwriteIfUnchanged(String version, byte[] content) throws IOException {
    if (s3 && conditionalWrites) {
      return version != null && replaceIfUnchanged(version, content);
    }
    StateFile.write(fs, file, content);
    return true;
  }

  private static void write(FSDataOutputStreamBuilder<?, ?> builder, byte[] content)
      throws IOException {
    try (FSDataOutputStream out = (FSDataOutputStream) builder.build()) {
      out.write(content); // S3A uploads on close: a 412 surfaces there
    }
  }

  private boolean failedBecauseItExists(IOException e) throws IOException {
    if (fs.exists(file)) {
      return false; // some stores answer an existing file with a plain IOException (S3: 412)
    }
    throw e;
  }
}

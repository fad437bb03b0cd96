package io.lakestream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicLong;

/** The committed files under {@code sample-data/}, copied into a test's landing folder. */
public final class SampleData {

  public static final Path FOLDER = Path.of("sample-data");

  /** The users reference file conf/local.properties seeds ref_users from, as an absolute path. */
  public static final Path USERS =
      FOLDER.resolve("reference").resolve("users.json").toAbsolutePath();

  /** Every committed sample file, in arrival order. */
  public static final String[] ALL = {
    "events-00001.json", "events-00002.json", "events-00003.json", "events-00004.json"
  };

  private static final AtomicLong arrival = new AtomicLong(System.currentTimeMillis());

  private SampleData() {}

  /**
   * Copies the named sample files (e.g. "events-00001.json") into {@code landing}, each with a
   * later modification time than the one before: Spark's file source reads files in
   * modification-time order, and copies made in the same millisecond would otherwise arrive in any
   * order.
   */
  public static void land(Path landing, String... fileNames) {
    try {
      Files.createDirectories(landing);
      for (String name : fileNames) {
        Path target = landing.resolve(name);
        Files.copy(FOLDER.resolve(name), target, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(target, FileTime.fromMillis(arrival.addAndGet(1000)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

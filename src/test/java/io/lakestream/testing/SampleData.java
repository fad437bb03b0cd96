package io.lakestream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The committed files under {@code sample-data/}, copied into a test's landing folder. */
public final class SampleData {

  public static final Path FOLDER = Path.of("sample-data");

  private SampleData() {}

  /** Copies the named sample files (e.g. "events-00001.json") into {@code landing}. */
  public static void land(Path landing, String... fileNames) {
    try {
      Files.createDirectories(landing);
      for (String name : fileNames) {
        Files.copy(FOLDER.resolve(name), landing.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

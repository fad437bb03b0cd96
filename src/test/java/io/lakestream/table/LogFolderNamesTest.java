package io.lakestream.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a log folder's listing returns once its newest names are remembered. */
class LogFolderNamesTest {

  @TempDir Path log;

  private final AtomicLong clock = new AtomicLong();

  private static String name(long version, String suffix) {
    return String.format("%020d%s", version, suffix);
  }

  private void write(String... names) throws Exception {
    for (String name : names) {
      Files.writeString(log.resolve(name), name);
    }
  }

  private static List<String> all(Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }

  private LogFolderNames folder(long versionsKept) {
    return new LogFolderNames(log.toFile(), clock::get, versionsKept);
  }

  @Test
  void aListingFromARememberedVersionFindsTheCommitsChecksumsAndCheckpointsWrittenSince()
      throws Exception {
    write(name(0, ".json"), name(0, ".crc"), name(1, ".json"), "-sorts-before-every-version");
    LogFolderNames names = folder(100);
    assertThat(all(names.from(name(0, "."))))
        .containsExactly(name(0, ".crc"), name(0, ".json"), name(1, ".json"));
    assertThat(names.remembered()).isEqualTo(3);

    // Version 1's checksum after its commit, two more commits, a checkpoint of version 2.
    write(name(1, ".crc"), name(2, ".json"), name(2, ".checkpoint.parquet"), name(3, ".json"));

    assertThat(all(names.from(name(1, "."))))
        .containsExactly(
            name(1, ".crc"),
            name(1, ".json"),
            name(2, ".checkpoint.parquet"),
            name(2, ".json"),
            name(3, ".json"));
  }

  @Test
  void namesItCannotCheckByVersionAppearAtTheNextFullReadOfTheFolder() throws Exception {
    write(name(0, ".json"), name(1, ".json"));
    LogFolderNames names = folder(100);
    all(names.from(name(0, ".json")));
    write(name(1, ".checkpoint.0000000001.0000000002.parquet"), "_last_checkpoint");

    assertThat(all(names.from(name(1, ".")))).containsExactly(name(1, ".json"));

    clock.addAndGet(LogFolderNames.FULL_READ_EVERY_NANOS + 1);
    assertThat(all(names.from(name(1, "."))))
        .containsExactly(
            name(1, ".checkpoint.0000000001.0000000002.parquet"),
            name(1, ".json"),
            "_last_checkpoint");
  }

  @Test
  void aListingFromBeforeTheRememberedVersionsReadsTheFolderAndMemoryStaysBounded()
      throws Exception {
    for (long v = 0; v < 50; v++) {
      write(name(v, ".json"), name(v, ".crc"));
    }
    write(".00000000000000000001.json.crc", "-not-a-version"); // sort before every version
    LogFolderNames names = folder(10);
    assertThat(all(names.from(name(45, ".")))).hasSize(10);
    assertThat(names.remembered()).isEqualTo(22); // versions 39..49, commit and checksum each

    for (long v = 50; v < 80; v++) {
      write(name(v, ".json"), name(v, ".crc"));
    }
    assertThat(all(names.from(name(75, ".")))).hasSize(10);
    assertThat(names.remembered()).isEqualTo(22); // versions 69..79

    // Delta's log clean-up lists from version 0: every name, in order, from a full read.
    List<String> fromZero = all(names.from(name(0, ".")));
    assertThat(fromZero).hasSize(160);
    assertThat(fromZero).isSorted();
    assertThat(fromZero.get(0)).isEqualTo(name(0, ".crc"));
  }

  @Test
  void theLogCleanUpsListingFromVersionZeroChecksTheOldVersionsByName() throws Exception {
    for (long v = 0; v < 50; v++) {
      write(name(v, ".json"), name(v, ".crc"));
    }
    write(name(20, ".checkpoint.parquet"), name(40, ".checkpoint.parquet"));
    LogFolderNames names = folder(10);
    all(names.from(name(45, "."))); // the full read: versions 39..49 remembered
    // The clean-up deleted versions 0..4; a name only a full read finds appears at version 6.
    for (long v = 0; v < 5; v++) {
      Files.delete(log.resolve(name(v, ".json")));
      Files.delete(log.resolve(name(v, ".crc")));
    }
    write(name(6, ".checkpoint.0000000001.0000000002.parquet"));

    // As Delta's clean-up takes them: from version 0, up to the first file it keeps.
    Iterator<String> fromZero = names.from(name(0, "."));
    List<String> taken = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      taken.add(fromZero.next());
    }
    assertThat(taken)
        .containsExactly(
            name(5, ".crc"),
            name(5, ".json"),
            name(6, ".crc"),
            name(6, ".json"),
            name(7, ".crc"),
            name(7, ".json"));

    // Read on past the versions checked by name (here 10): the rest comes from a full read.
    List<String> rest = all(fromZero);
    // Versions 5..49, commit and checksum each, two checkpoints; the multi-part one is not seen.
    assertThat(rest).isSorted().hasSize(2 * 45 + 2 - 6);
    assertThat(rest).doesNotContain(name(6, ".checkpoint.0000000001.0000000002.parquet"));
    assertThat(rest.get(0)).isEqualTo(name(8, ".crc"));
    assertThat(rest).contains(name(20, ".checkpoint.parquet"), name(49, ".json"));

    // A listing from a version in between starts there, after the names before it.
    assertThat(all(names.from(name(7, ".json"))).subList(0, 3))
        .containsExactly(name(7, ".json"), name(8, ".crc"), name(8, ".json"));

    // More versions deleted than it checks by name: the folder is read, and finds every name.
    for (long v = 5; v < 20; v++) {
      Files.delete(log.resolve(name(v, ".json")));
      Files.delete(log.resolve(name(v, ".crc")));
    }
    assertThat(all(names.from(name(0, "."))).subList(0, 3))
        .containsExactly(
            name(6, ".checkpoint.0000000001.0000000002.parquet"),
            name(20, ".checkpoint.parquet"),
            name(20, ".crc"));
  }

  @Test
  void aFolderMissingIsNotFoundAndIsReadOnceItExists() throws Exception {
    File missing = log.resolve("later").toFile();
    LogFolderNames names = new LogFolderNames(missing, clock::get, 100);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> names.from(name(0, ".json")))
        .isInstanceOf(java.io.FileNotFoundException.class);

    Files.createDirectories(missing.toPath());
    Files.writeString(missing.toPath().resolve(name(0, ".json")), "{}");
    assertThat(all(names.from(name(0, ".json")))).containsExactly(name(0, ".json"));

    // Dropped again (a rebuild deletes the table's folder): not found, not an empty listing.
    Files.delete(missing.toPath().resolve(name(0, ".json")));
    Files.delete(missing.toPath());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> names.from(name(0, ".json")))
        .isInstanceOf(java.io.FileNotFoundException.class);
  }
}

package io.lakestream.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

class ArchivePathsTest {

  private final ArchivePaths paths =
      new ArchivePaths(new Path("file:/data/landing"), new Path("file:/data/archive"));

  @Test
  void keepsSubFoldersBelowTheArchiveRoot() {
    assertThat(paths.destinationOf(new Path("file:/data/landing/a.json")))
        .isEqualTo(new Path("file:/data/archive/a.json"));
    assertThat(paths.destinationOf(new Path("file:/data/landing/2026/11/24/b.json")))
        .isEqualTo(new Path("file:/data/archive/2026/11/24/b.json"));
  }

  @Test
  void namesWithSpacesPercentAndTheLandingNameMapExactly() {
    Path file = new Path("file:/data/landing/my landing/landing/100% done.json");

    Path destination = paths.destinationOf(file);

    assertThat(destination)
        .isEqualTo(new Path("file:/data/archive/my landing/landing/100% done.json"));
    assertThat(destination.toUri().toString())
        .isEqualTo("file:/data/archive/my%20landing/landing/100%25%20done.json");
  }

  @Test
  void acceptsTheFileSourcesTripleSlashForm() {
    assertThat(
            paths.destinationOf(
                new Path(java.net.URI.create("file:///data/landing/sub/a%20b.json"))))
        .isEqualTo(new Path("file:/data/archive/sub/a b.json"));
  }

  @Test
  void refusesFilesOutsideTheLandingFolder() {
    assertThatThrownBy(() -> paths.destinationOf(new Path("file:/data/landing-old/a.json")))
        .hasMessageContaining("is not inside the landing folder");
    assertThatThrownBy(() -> paths.destinationOf(new Path("hdfs://nn/data/landing/a.json")))
        .hasMessageContaining("is not inside the landing folder");
  }

  @Test
  void aCollisionGetsTheFirstFreeSuffix() {
    Path wanted = new Path("file:/data/archive/sub/events.json");
    Set<Path> taken = Set.of(wanted, new Path("file:/data/archive/sub/events~1.json"));

    assertThat(ArchivePaths.firstFree(wanted, taken::contains))
        .isEqualTo(new Path("file:/data/archive/sub/events~2.json"));
    assertThat(
            ArchivePaths.firstFree(
                new Path("file:/data/archive/.hidden"),
                Set.of(new Path("file:/data/archive/.hidden"))::contains))
        .isEqualTo(new Path("file:/data/archive/.hidden~1"));
    assertThat(
            ArchivePaths.firstFree(
                new Path("file:/data/archive/logs.tar.gz"), p -> p.getName().equals("logs.tar.gz")))
        .isEqualTo(new Path("file:/data/archive/logs~1.tar.gz"));
  }
}

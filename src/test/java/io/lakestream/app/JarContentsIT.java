package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.testing.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two deployable jars. "No Spark, Scala or Hadoop classes" is checked against the real thing:
 * no class in our jars may also exist in the jars an open-source Spark cluster ships (Spark's
 * runtime classpath).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class JarContentsIT {

  private static Set<String> sparkClasses;

  @BeforeAll
  static void readSparkClasspath() throws IOException {
    sparkClasses = new HashSet<>();
    String classpath =
        Files.readString(Path.of(ChildJvm.property("lakestream.sparkHomeClasspath"))).trim();
    for (String jar : classpath.split(java.io.File.pathSeparator)) {
      sparkClasses.addAll(classEntries(Path.of(jar)));
    }
    assertThat(sparkClasses)
        .contains(
            "org/apache/spark/sql/SparkSession.class",
            "scala/Option.class",
            "org/apache/hadoop/fs/FileSystem.class");
  }

  private static List<String> classEntries(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream().map(ZipEntry::getName).filter(name -> name.endsWith(".class")).toList();
    }
  }

  private static String mainClass(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getManifest().getMainAttributes().getValue("Main-Class");
    }
  }

  @Test
  void thinJarHoldsOnlyTheAppsOwnClasses() throws IOException {
    Path thin = Path.of(ChildJvm.property("lakestream.thinJar"));

    List<String> classes = classEntries(thin);

    assertThat(mainClass(thin)).isEqualTo("io.lakestream.app.LakestreamApp");
    assertThat(classes)
        .contains("io/lakestream/app/LakestreamApp.class")
        .allMatch(name -> name.startsWith("io/lakestream/"));
    try (JarFile file = new JarFile(thin.toFile())) {
      // No logging binding or configuration that would fight the runtime's.
      assertThat(file.stream().map(ZipEntry::getName))
          .noneMatch(name -> name.contains("log4j") || name.contains("slf4j"));
    }
  }

  @Test
  void clusterJarCarriesDeltaButNothingASparkClusterShips() throws IOException {
    Path cluster = Path.of(ChildJvm.property("lakestream.clusterJar"));

    List<String> classes = classEntries(cluster);

    assertThat(mainClass(cluster)).isEqualTo("io.lakestream.app.LakestreamApp");
    assertThat(classes)
        .contains(
            "io/lakestream/app/LakestreamApp.class",
            "io/delta/sql/DeltaSparkSessionExtension.class",
            "org/apache/spark/sql/delta/catalog/DeltaCatalog.class",
            "io/delta/storage/LogStore.class")
        .noneMatch(name -> name.startsWith("scala/") || name.startsWith("org/apache/hadoop/"))
        .noneMatch(sparkClasses::contains);
    try (JarFile file = new JarFile(cluster.toFile())) {
      ZipEntry services =
          file.getEntry("META-INF/services/org.apache.spark.sql.sources.DataSourceRegister");
      String registered =
          new String(file.getInputStream(services).readAllBytes(), StandardCharsets.UTF_8);
      assertThat(registered).contains("org.apache.spark.sql.delta.sources.DeltaDataSource");
    }
    assertThat(Files.size(cluster)).isLessThan(40L << 20);
  }
}

package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.config.CatalogSettings;
import io.lakestream.config.ConfigLoader;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.testing.ChildJvm;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.Yaml;

/**
 * The Databricks Asset Bundle cannot be deployed here, so this checks what can go wrong offline:
 * both files parse, the job's JAR task names the real main class and the jar this build produces,
 * and the job cluster's {@code spark.lakestream.*} conf is a valid configuration equal to
 * conf/databricks.properties.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DatabricksBundleIT {

  private final Path bundle =
      Path.of(ChildJvm.property("lakestream.projectDir"), "conf", "databricks");
  private final Path thinJar =
      Path.of(ChildJvm.property("lakestream.thinJar")).toAbsolutePath().normalize();

  @SuppressWarnings("unchecked")
  private static <T> T at(Object node, Object... path) {
    Object current = node;
    for (Object step : path) {
      current =
          step instanceof Integer index
              ? ((List<Object>) current).get(index)
              : ((Map<String, Object>) current).get(step);
    }
    return (T) current;
  }

  private static Map<String, Object> yaml(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file)) {
      return new Yaml().load(reader);
    }
  }

  @Test
  void bundleBuildsAndDeploysTheThinJarWithTheRealMainClass() throws Exception {
    Map<String, Object> root = yaml(bundle.resolve("databricks.yml"));
    Map<String, Object> job = yaml(bundle.resolve("resources/lakestream.job.yml"));

    assertThat(this.<String>at(root, "bundle", "name")).isEqualTo("lakestream");
    String artifact = at(root, "artifacts", "lakestream_jar", "files", 0, "source");
    assertThat(bundle.resolve(artifact).normalize()).isEqualTo(thinJar).exists();

    Map<String, Object> task = at(job, "resources", "jobs", "lakestream", "tasks", 0);
    String mainClass = at(task, "spark_jar_task", "main_class_name");
    assertThat(mainClass).isEqualTo(LakestreamApp.class.getName());
    String library = at(task, "libraries", 0, "jar");
    assertThat(bundle.resolve("resources").resolve(library).normalize()).isEqualTo(thinJar);
    // The class the task names is in the jar it deploys, with the entry point a JAR task calls.
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(thinJar.toFile())) {
      assertThat(jar.getEntry(mainClass.replace('.', '/') + ".class"))
          .as("%s in %s", mainClass, thinJar)
          .isNotNull();
    }
    java.lang.reflect.Method main = Class.forName(mainClass).getMethod("main", String[].class);
    assertThat(java.lang.reflect.Modifier.isStatic(main.getModifiers()))
        .as("main is static")
        .isTrue();
    assertThat(main.getReturnType()).isEqualTo(void.class);
  }

  @Test
  void jobClusterConfIsTheDatabricksPropertiesAndValid() throws Exception {
    Map<String, Object> root = yaml(bundle.resolve("databricks.yml"));
    Map<String, Object> job = yaml(bundle.resolve("resources/lakestream.job.yml"));
    Map<String, Object> variables = at(root, "variables");
    Map<String, Object> sparkConf =
        at(job, "resources", "jobs", "lakestream", "job_clusters", 0, "new_cluster", "spark_conf");

    Map<String, String> resolved = new HashMap<>();
    sparkConf.forEach(
        (key, value) -> {
          String text = String.valueOf(value);
          for (Map.Entry<String, Object> variable : variables.entrySet()) {
            Object defaultValue = at(variable.getValue(), "default");
            text = text.replace("${var." + variable.getKey() + "}", String.valueOf(defaultValue));
          }
          resolved.put(key, text);
        });

    Properties properties = new Properties();
    try (Reader reader =
        Files.newBufferedReader(bundle.getParent().resolve("databricks.properties"))) {
      properties.load(reader);
    }
    Map<String, String> expected = new HashMap<>();
    properties
        .stringPropertyNames()
        .forEach(name -> expected.put("spark.lakestream." + name, properties.getProperty(name)));
    assertThat(resolved).isEqualTo(expected);

    LakestreamConfig config = ConfigLoader.load(Optional.empty(), resolved, Map.of());
    assertThat(config.catalog().mode()).isEqualTo(CatalogSettings.Mode.UNITY);
    assertThat(config.volume().landing())
        .isEqualTo("/Volumes/main/streaming_workspace/lakestream/landing");
  }
}

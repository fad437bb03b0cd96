package io.lakestream.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** Reads the properties file and merges it with Spark conf and command-line settings. */
public final class ConfigLoader {

  private ConfigLoader() {}

  /**
   * Loads and validates the configuration.
   *
   * @param propertiesFile the {@code --config} file; if absent, {@code spark.lakestream.config} in
   *     the Spark conf may name one; with neither, only defaults, Spark conf and {@code --set}
   *     apply
   * @param sparkConf the Spark conf entries visible to the driver
   * @param commandLine the {@code --set key=value} pairs
   * @throws ConfigException listing every problem
   */
  public static LakestreamConfig load(
      Optional<String> propertiesFile,
      Map<String, String> sparkConf,
      Map<String, String> commandLine) {
    Optional<String> file =
        propertiesFile.or(
            () -> Optional.ofNullable(sparkConf.get(ConfigKeys.SPARK_CONF_PROPERTIES_FILE)));
    Map<String, String> fromFile = file.map(ConfigLoader::readProperties).orElse(Map.of());
    return LakestreamConfig.from(RawConfig.resolve(fromFile, sparkConf, commandLine));
  }

  static Map<String, String> readProperties(String file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw new ConfigException("properties file '" + file + "' does not exist");
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("properties file '" + file + "' cannot be read: " + e.getMessage());
    }
    Map<String, String> entries = new HashMap<>();
    properties
        .stringPropertyNames()
        .forEach(name -> entries.put(name, properties.getProperty(name)));
    return entries;
  }
}

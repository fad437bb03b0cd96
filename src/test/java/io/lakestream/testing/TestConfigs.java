package io.lakestream.testing;

import io.lakestream.config.ConfigKeys;
import io.lakestream.config.ConfigLoader;
import io.lakestream.config.LakestreamConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds validated configurations rooted in a test's temporary folder. */
public final class TestConfigs {

  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  private TestConfigs() {}

  /**
   * A local-mode configuration under {@code root}, with its own schema name: the shared session's
   * catalog outlives a test, and each test's tables must not meet another's registrations.
   */
  public static LakestreamConfig local(Path root, Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>();
    settings.put("volume.root", root.toString());
    settings.put("catalog.schema", "test_" + SCHEMAS.incrementAndGet());
    settings.put("trigger", "availableNow");
    // As conf/local.properties: the sample contract, stated (unset, ingest.schema is inferred).
    settings.put("ingest.schema", ConfigKeys.SAMPLE_EVENT_SCHEMA);
    settings.putAll(overrides);
    return ConfigLoader.load(Optional.empty(), Map.of(), settings);
  }

  public static LakestreamConfig local(Path root) {
    return local(root, Map.of());
  }
}

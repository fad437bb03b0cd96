package io.lakestream.app;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The parsed command line: {@code [--config <file>] [--set key=value]... [--help]}. */
public record CommandLine(Optional<String> propertiesFile, Map<String, String> settings, boolean help) {

  /** A command line that cannot be understood; the app prints usage and exits with status 2. */
  public static final class UsageException extends RuntimeException {
    public UsageException(String message) {
      super(message);
    }
  }

  public static CommandLine parse(String... args) {
    Optional<String> propertiesFile = Optional.empty();
    Map<String, String> settings = new LinkedHashMap<>();
    boolean help = false;
    List<String> words = List.of(args);
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      switch (word) {
        case "--help", "-h" -> help = true;
        case "--config" -> propertiesFile = Optional.of(valueAfter(words, i++, word));
        case "--set" -> {
          String pair = valueAfter(words, i++, word);
          int equals = pair.indexOf('=');
          if (equals <= 0) {
            throw new UsageException("--set expects key=value, got '" + pair + "'");
          }
          settings.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
        }
        default -> throw new UsageException("unknown argument '" + word + "'");
      }
    }
    return new CommandLine(propertiesFile, Map.copyOf(settings), help);
  }

  private static String valueAfter(List<String> words, int index, String option) {
    if (index + 1 >= words.size() || words.get(index + 1).startsWith("--")) {
      throw new UsageException(option + " needs a value");
    }
    return words.get(index + 1);
  }
}

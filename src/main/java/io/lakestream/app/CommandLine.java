package io.lakestream.app;

import io.lakestream.LakestreamException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed command line: {@code [report [--out <file.html>] | maintain | rebuild <silver|gold>]
 * [--config <file>] [--set key=value]... [--help]}. With {@code report}, the app writes the HTML
 * report of the configured volume's tables instead of running; with {@code maintain}, it compacts,
 * vacuums and applies the retention settings once; with {@code rebuild}, it resets a layer (and the
 * layers after it) so that the next run derives it anew from the table before it.
 */
public record CommandLine(
    Optional<String> propertiesFile,
    Map<String, String> settings,
    boolean help,
    Optional<String> reportFile,
    boolean maintain,
    Optional<LayerRebuild.Layer> rebuild) {

  static final String DEFAULT_REPORT = "lakestream-report.html";

  /** A command line that cannot be understood; the app prints usage and exits with status 2. */
  public static final class UsageException extends LakestreamException {
    public UsageException(String message) {
      super(message);
    }

    @Override
    public int exitStatus() {
      return BAD_USAGE;
    }

    @Override
    public String advice() {
      return "Run with --help for usage.";
    }
  }

  public static CommandLine parse(String... args) {
    Optional<String> propertiesFile = Optional.empty();
    Map<String, String> settings = new LinkedHashMap<>();
    boolean help = false;
    List<String> words = List.of(args);
    boolean report = !words.isEmpty() && words.get(0).equals("report");
    boolean maintain = !words.isEmpty() && words.get(0).equals("maintain");
    Optional<LayerRebuild.Layer> rebuild = Optional.empty();
    int first = report || maintain ? 1 : 0;
    if (!words.isEmpty() && words.get(0).equals("rebuild")) {
      if (words.size() < 2 || words.get(1).startsWith("-")) {
        throw new UsageException(
            "rebuild needs the layer to rebuild: lakestream rebuild silver|gold");
      }
      rebuild = Optional.of(LayerRebuild.Layer.parse(words.get(1)));
      first = 2;
    }
    Optional<String> reportFile = report ? Optional.of(DEFAULT_REPORT) : Optional.empty();
    for (int i = first; i < words.size(); i++) {
      String word = words.get(i);
      switch (word) {
        case "--help", "-h" -> help = true;
        case "--out" -> {
          if (!report) {
            throw new UsageException(
                "--out belongs to the report command: lakestream report --out <file.html>");
          }
          reportFile = Optional.of(valueAfter(words, i++, word));
        }
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
    return new CommandLine(
        propertiesFile, Map.copyOf(settings), help, reportFile, maintain, rebuild);
  }

  private static String valueAfter(List<String> words, int index, String option) {
    if (index + 1 >= words.size() || words.get(index + 1).startsWith("--")) {
      throw new UsageException(option + " needs a value");
    }
    return words.get(index + 1);
  }
}

package io.lakestream.config;

import io.lakestream.LakestreamException;
import java.util.List;

/**
 * Thrown at start-up, before Spark starts any query, when the configuration is not usable. It
 * carries every problem found, each naming the key, the value and what is allowed, so one run
 * reports them all.
 */
public final class ConfigException extends LakestreamException {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  @Override
  public int exitStatus() {
    return BAD_USAGE;
  }

  @Override
  public String advice() {
    return "Run with --help for every key and what it allows.";
  }

  public List<String> problems() {
    return problems;
  }

  private static String render(List<String> problems) {
    StringBuilder message = new StringBuilder("Invalid lakestream configuration:");
    for (String problem : problems) {
      message.append(System.lineSeparator()).append("  - ").append(problem);
    }
    return message.toString();
  }
}

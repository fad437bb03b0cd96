package io.lakestream.config;

import java.time.Duration;
import java.util.List;

/** The checks that decide whether a record becomes a silver event or a quarantined one. */
public record QualitySettings(
    boolean enabled,
    List<String> requiredFields,
    Duration maxFutureSkew,
    List<Expectation> expectations) {

  public QualitySettings {
    requiredFields = List.copyOf(requiredFields);
    expectations = List.copyOf(expectations);
  }

  /** The expectations with this action; none when the quality rules are switched off. */
  public List<Expectation> expectations(Expectation.Action action) {
    return enabled ? expectations.stream().filter(e -> e.action() == action).toList() : List.of();
  }
}

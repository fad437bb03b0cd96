package io.lakestream.config;

import java.time.Duration;
import java.util.List;

/** The checks that decide whether a record becomes a silver event or a quarantined one. */
public record QualitySettings(List<String> requiredFields, Duration maxFutureSkew, List<Expectation> expectations) {

  public QualitySettings {
    requiredFields = List.copyOf(requiredFields);
    expectations = List.copyOf(expectations);
  }

  public List<Expectation> expectations(Expectation.Action action) {
    return expectations.stream().filter(e -> e.action() == action).toList();
  }
}

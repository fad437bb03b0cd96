package io.lakestream.config;

/**
 * A data-quality rule, declared as {@code quality.expect.<name> = <action>: <SQL predicate>}. A
 * record meets it when the predicate is true; false or null is a violation. What a violation does
 * depends on the action: {@code warn} keeps the record and counts it, {@code drop} quarantines it,
 * {@code fail} stops the query with an error naming the rule.
 */
public record Expectation(String name, Action action, String predicate) {

  public enum Action {
    WARN,
    DROP,
    FAIL
  }
}

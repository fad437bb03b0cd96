package io.lakestream.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;

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

  static QualitySettings read(ConfigReader reader, RawConfig raw, StructType eventSchema) {
    List<String> required =
        reader
            .optional(ConfigKeys.REQUIRED_FIELDS)
            .map(
                text ->
                    Arrays.stream(text.split(","))
                        .map(String::trim)
                        .filter(name -> !name.isEmpty())
                        .toList())
            .orElse(List.of());
    if (eventSchema != null) {
      List<String> columns = List.of(eventSchema.fieldNames());
      List<String> unknown = required.stream().filter(name -> !columns.contains(name)).toList();
      List<String> missing =
          LakestreamConfig.PIPELINE_FIELDS.stream()
              .filter(name -> !required.contains(name))
              .toList();
      if (!unknown.isEmpty()) {
        reader.invalid(ConfigKeys.REQUIRED_FIELDS, "not columns of ingest.schema: " + unknown);
      } else if (!missing.isEmpty()) {
        reader.invalid(
            ConfigKeys.REQUIRED_FIELDS, "the pipeline keys and times events by " + missing);
      }
      LakestreamConfig.PIPELINE_FIELDS.stream()
          .filter(name -> !columns.contains(name))
          .forEach(
              name ->
                  reader.invalid(
                      ConfigKeys.INGEST_SCHEMA, "the pipeline needs a column '" + name + "'"));
      if (columns.contains(LakestreamConfig.EVENT_TIME)
          && !(eventSchema.apply(LakestreamConfig.EVENT_TIME).dataType()
              instanceof TimestampType)) {
        reader.invalid(ConfigKeys.INGEST_SCHEMA, "event_time must be a TIMESTAMP");
      }
    }
    Duration skew = reader.durationOrDefault(ConfigKeys.MAX_FUTURE_SKEW);

    List<Expectation> expectations = new ArrayList<>();
    raw.expectations()
        .forEach(
            (name, value) -> {
              String key = ConfigKeys.EXPECTATION_PREFIX + name;
              String allowed =
                  "<warn|drop|fail>: <SQL predicate>, e.g. drop: amount IS NULL OR amount >= 0";
              int colon = value.text().indexOf(':');
              Optional<Expectation.Action> action =
                  colon < 0
                      ? Optional.empty()
                      : Arrays.stream(Expectation.Action.values())
                          .filter(
                              a ->
                                  a.name()
                                      .equalsIgnoreCase(value.text().substring(0, colon).trim()))
                          .findFirst();
              if (!ConfigReader.IDENTIFIER.matcher(name).matches()) {
                reader.invalid(
                    key,
                    value,
                    "the rule name must be an identifier (letters, digits and _)",
                    allowed);
              } else if (action.isEmpty()) {
                reader.invalid(
                    key, value, "it does not start with an action warn, drop or fail", allowed);
              } else {
                String predicate = value.text().substring(colon + 1).trim();
                try {
                  CatalystSqlParser$.MODULE$.parseExpression(predicate);
                  expectations.add(new Expectation(name, action.get(), predicate));
                } catch (Exception e) { // ParseException is checked in Scala's eyes only
                  reader.invalid(
                      key,
                      value,
                      "the predicate is not valid SQL ("
                          + ConfigReader.firstLine(e.getMessage())
                          + ")",
                      allowed);
                }
              }
            });
    boolean enabled = reader.boolOrDefault(ConfigKeys.QUALITY_ENABLED);
    return new QualitySettings(enabled, required, skew, expectations);
  }
}

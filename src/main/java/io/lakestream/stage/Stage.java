package io.lakestream.stage;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One step of a layer: a DataFrame in, a DataFrame out, no action and no side effect, so a stage
 * works the same on a stream and on a small batch DataFrame in a test. A layer is a chain of them:
 * {@code new ValidEvents(schema).then(new NormalizeIdentifiers()).then(new AddEventDate())}.
 */
@FunctionalInterface
public interface Stage {

  Dataset<Row> apply(Dataset<Row> input);

  /** This stage, then {@code next} on its output. */
  default Stage then(Stage next) {
    return input -> next.apply(apply(input));
  }

  /** The stage that passes its input through: the start of a chain, or a step switched off. */
  static Stage identity() {
    return input -> input;
  }
}

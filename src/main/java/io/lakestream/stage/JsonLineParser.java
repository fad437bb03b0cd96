package io.lakestream.stage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one JSON line with Jackson's streaming parser, in one pass and without building a tree: the
 * text of each contract field, the fields outside the contract as a JSON object, or why the line is
 * not one JSON object. Typing the texts is left to Spark's casts, so a field converts exactly as
 * Spark converts it.
 *
 * <ul>
 *   <li>a contract field's text is a string's content, a number as written, {@code true}/{@code
 *       false}, or the JSON text of an object or array; JSON {@code null} and an absent field give
 *       null;
 *   <li>rescued fields keep their JSON form: numbers, booleans, null, objects and arrays as sent,
 *       strings as JSON strings, so {@code from_json}/{@code get_json_object} on {@code
 *       _rescued_data} give back what the producer sent (Databricks Auto Loader's convention);
 *   <li>a key repeated within the line: the first value counts;
 *   <li>anything but whitespace after the object (a second object, stray text) makes the line
 *       malformed, so no part of a line is ever dropped silently;
 *   <li>{@code NaN} and {@code Infinity} tokens are read as numbers, so they reach the type check
 *       (and are refused there) instead of failing the whole line.
 * </ul>
 *
 * <p>Plain Java, no Spark: the stage wraps it in a UDF ({@link EventParser}); one instance per
 * task.
 */
public final class JsonLineParser implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String NOT_AN_OBJECT = "not a JSON object";
  public static final String TEXT_AFTER_OBJECT = "text after the JSON object";

  /**
   * What a line holds: one text per contract field (in contract order), rescued fields, or the
   * error.
   */
  public record Parsed(String[] fieldTexts, String rescued, String error) {}

  private final String[] contractFields;
  private final boolean[] jsonValued;
  private final boolean rescueUnknownFields;
  private transient Map<String, Integer> positions;
  private transient JsonFactory factory;

  public JsonLineParser(List<String> contractFields, boolean rescueUnknownFields) {
    this(contractFields, Set.of(), rescueUnknownFields);
  }

  /**
   * @param jsonValued contract fields whose text is the value's JSON form (a VARIANT column's):
   *     strings stay quoted
   */
  public JsonLineParser(
      List<String> contractFields, Set<String> jsonValued, boolean rescueUnknownFields) {
    this.contractFields = contractFields.toArray(String[]::new);
    this.jsonValued = new boolean[this.contractFields.length];
    for (int i = 0; i < this.contractFields.length; i++) {
      this.jsonValued[i] = jsonValued.contains(this.contractFields[i]);
    }
    this.rescueUnknownFields = rescueUnknownFields;
  }

  public Parsed parse(String line) {
    String[] texts = new String[contractFields.length];
    try (JsonParser parser = factory().createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return new Parsed(new String[contractFields.length], null, NOT_AN_OBJECT);
      }
      boolean[] seen = new boolean[contractFields.length];
      StringBuilder rescued = null;
      Set<String> rescuedNames = null;
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        Integer position = positions().get(name);
        if (position != null) {
          if (!seen[position]) {
            seen[position] = true;
            texts[position] =
                jsonValued[position] && value != JsonToken.VALUE_NULL
                    ? jsonText(parser, value, line)
                    : contractText(parser, value, line);
          } else {
            parser.skipChildren();
          }
        } else if (rescueUnknownFields) {
          if (rescuedNames == null) {
            rescuedNames = new HashSet<>();
            rescued = new StringBuilder("{");
          }
          String json = jsonText(parser, value, line);
          if (rescuedNames.add(name)) {
            if (rescued.length() > 1) {
              rescued.append(',');
            }
            rescued
                .append('"')
                .append(JsonStringEncoder.getInstance().quoteAsString(name))
                .append("\":")
                .append(json);
          }
        } else {
          parser.skipChildren();
        }
      }
      if (token != JsonToken.END_OBJECT) {
        return new Parsed(new String[contractFields.length], null, NOT_AN_OBJECT);
      }
      if (!nothingFollows(parser)) {
        return new Parsed(new String[contractFields.length], null, TEXT_AFTER_OBJECT);
      }
      return new Parsed(texts, rescued == null ? null : rescued.append('}').toString(), null);
    } catch (IOException e) { // JsonParseException: truncated, not JSON, or text after the object
      return new Parsed(new String[contractFields.length], null, NOT_AN_OBJECT);
    }
  }

  /** True when only whitespace follows the object; a second value or stray text is not. */
  private static boolean nothingFollows(JsonParser parser) {
    try {
      return parser.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  private static String contractText(JsonParser parser, JsonToken value, String line)
      throws IOException {
    return switch (value) {
      case VALUE_NULL -> null;
      case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE ->
          parser.getText();
      default -> structureText(parser, line);
    };
  }

  /** The value's JSON text: as sent for numbers and structures, re-quoted for strings. */
  private static String jsonText(JsonParser parser, JsonToken value, String line)
      throws IOException {
    return switch (value) {
      case VALUE_NULL -> "null";
      case VALUE_TRUE -> "true";
      case VALUE_FALSE -> "false";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getText();
      case VALUE_STRING ->
          '"' + new String(JsonStringEncoder.getInstance().quoteAsString(parser.getText())) + '"';
      default -> structureText(parser, line);
    };
  }

  /** An object or array exactly as it stands in the line. */
  private static String structureText(JsonParser parser, String line) throws IOException {
    int start = (int) parser.currentTokenLocation().getCharOffset();
    parser.skipChildren();
    int end = (int) parser.currentLocation().getCharOffset();
    return line.substring(start, end);
  }

  private Map<String, Integer> positions() {
    if (positions == null) {
      Map<String, Integer> byName = new HashMap<>();
      for (int i = 0; i < contractFields.length; i++) {
        byName.put(contractFields[i], i);
      }
      positions = byName;
    }
    return positions;
  }

  private JsonFactory factory() {
    if (factory == null) {
      factory =
          JsonFactory.builder()
              .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
              .build();
    }
    return factory;
  }
}

package io.lakestream.table;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * How an outbox saves a table's rows: one JSON array per line, a value per column in the table's
 * order (timestamps as ISO instants), read back into rows of the same schema.
 */
final class OutboxRowCodec {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final StructType schema;

  OutboxRowCodec(StructType schema) {
    this.schema = schema;
  }

  /** The row as one line of JSON (without the line break). */
  String line(Row row) throws JsonProcessingException {
    return JSON.writeValueAsString(encode(row));
  }

  private ArrayNode encode(Row row) {
    ArrayNode values = JSON.createArrayNode();
    for (int i = 0; i < schema.size(); i++) {
      Object value = row.get(i);
      if (value == null) {
        values.addNull();
      } else if (value instanceof Timestamp timestamp) {
        values.add(timestamp.toInstant().toString());
      } else if (value instanceof Long number) {
        values.add(number);
      } else if (value instanceof Integer number) {
        values.add(number);
      } else if (value instanceof Double number) {
        values.add(number);
      } else if (value instanceof Boolean flag) {
        values.add(flag);
      } else {
        values.add(value.toString());
      }
    }
    return values;
  }

  /** Adds the rows of {@code file} to {@code into}. */
  void readInto(FileSystem fs, Path file, List<Row> into) throws IOException {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode values = JSON.readTree(line);
        Object[] row = new Object[schema.size()];
        StructField[] fields = schema.fields();
        for (int i = 0; i < fields.length; i++) {
          row[i] = decode(values.get(i), fields[i].dataType());
        }
        into.add(RowFactory.create(row));
      }
    }
  }

  private static Object decode(JsonNode value, DataType type) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (type.equals(DataTypes.TimestampType)) {
      return Timestamp.from(Instant.parse(value.asText()));
    }
    if (type.equals(DataTypes.LongType)) {
      return value.asLong();
    }
    if (type.equals(DataTypes.IntegerType)) {
      return value.asInt();
    }
    if (type.equals(DataTypes.DoubleType)) {
      return value.asDouble();
    }
    if (type.equals(DataTypes.BooleanType)) {
      return value.asBoolean();
    }
    return value.asText();
  }
}

package io.lakestream.contract;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.config.NestedValues;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.types.VariantType;

/**
 * The column type lakestream gives a JSON field, whether Spark's JSON reader inferred it from a
 * sample ({@code ingest.schema=infer}) or the values of a new field in a batch's rescued data told
 * it ({@code add_new_columns}): whole numbers BIGINT, numbers with a fraction or exponent DOUBLE
 * (whole numbers seen with them too), true/false BOOLEAN, text STRING; objects, arrays and fields
 * whose values disagree STRING, holding the JSON text. The same rules as Spark's JSON inference,
 * kept to the atomic types the contract supports. With {@code ingest.nested=variant}, objects and
 * arrays are VARIANT, and so is a field whose values disagree with one of them (a VARIANT holds any
 * JSON value). DECIMAL and TIMESTAMP come only from Spark's inference, when {@code
 * ingest.infer_decimals} or {@code ingest.infer_timestamps} asks for them.
 */
final class JsonFieldTypes {

  private JsonFieldTypes() {}

  /** The contract's type for a field Spark's JSON reader inferred as {@code inferred}. */
  static DataType columnType(DataType inferred) {
    return columnType(inferred, NestedValues.STRING);
  }

  static DataType columnType(DataType inferred, NestedValues nested) {
    if (inferred instanceof LongType
        || inferred instanceof DoubleType
        || inferred instanceof BooleanType
        || inferred instanceof StringType
        || inferred instanceof DecimalType
        || inferred instanceof TimestampType
        || inferred instanceof TimestampNTZType) {
      return inferred;
    }
    if (nested == NestedValues.VARIANT
        && (inferred instanceof StructType || inferred instanceof ArrayType)) {
      return DataTypes.VariantType;
    }
    return DataTypes.StringType; // objects, arrays, a field only ever null
  }

  /** The type one value asks for; null for a JSON null, which says nothing about the type. */
  static DataType typeOf(JsonNode value) {
    return typeOf(value, NestedValues.STRING);
  }

  static DataType typeOf(JsonNode value, NestedValues nested) {
    if (value.isNull()) {
      return null;
    }
    if (nested == NestedValues.VARIANT && value.isContainerNode()) {
      return DataTypes.VariantType;
    }
    if (value.isIntegralNumber()) {
      return DataTypes.LongType;
    }
    if (value.isNumber()) {
      return DataTypes.DoubleType;
    }
    return value.isBoolean() ? DataTypes.BooleanType : DataTypes.StringType;
  }

  /** The type that holds values of both types: as Spark's JSON inference widens, else STRING. */
  static DataType wider(DataType a, DataType b) {
    if (a.equals(b)) {
      return a;
    }
    if (a instanceof VariantType || b instanceof VariantType) {
      return DataTypes.VariantType;
    }
    boolean numbers =
        (a instanceof LongType || a instanceof DoubleType)
            && (b instanceof LongType || b instanceof DoubleType);
    return numbers ? DataTypes.DoubleType : DataTypes.StringType;
  }
}

package io.lakestream.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** One set of rules for a JSON field's column type, from Spark's inference or from values. */
class JsonFieldTypesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void valuesGiveTheTypesSparksInferenceGives() throws Exception {
    assertThat(JsonFieldTypes.typeOf(JSON.readTree("12"))).isEqualTo(DataTypes.LongType);
    assertThat(JsonFieldTypes.typeOf(JSON.readTree("1.5"))).isEqualTo(DataTypes.DoubleType);
    assertThat(JsonFieldTypes.typeOf(JSON.readTree("1e3"))).isEqualTo(DataTypes.DoubleType);
    assertThat(JsonFieldTypes.typeOf(JSON.readTree("true"))).isEqualTo(DataTypes.BooleanType);
    assertThat(JsonFieldTypes.typeOf(JSON.readTree("\"x\""))).isEqualTo(DataTypes.StringType);
    assertThat(JsonFieldTypes.typeOf(JSON.readTree("{\"a\":1}"))).isEqualTo(DataTypes.StringType);
    assertThat(JsonFieldTypes.typeOf(JSON.readTree("[1]"))).isEqualTo(DataTypes.StringType);
    assertThat(JsonFieldTypes.typeOf(JSON.readTree("null"))).isNull();
  }

  @Test
  void disagreeingValuesWidenToDoubleOrString() {
    assertThat(JsonFieldTypes.wider(DataTypes.LongType, DataTypes.DoubleType))
        .isEqualTo(DataTypes.DoubleType);
    assertThat(JsonFieldTypes.wider(DataTypes.LongType, DataTypes.LongType))
        .isEqualTo(DataTypes.LongType);
    assertThat(JsonFieldTypes.wider(DataTypes.BooleanType, DataTypes.LongType))
        .isEqualTo(DataTypes.StringType);
    assertThat(JsonFieldTypes.wider(DataTypes.DoubleType, DataTypes.StringType))
        .isEqualTo(DataTypes.StringType);
  }

  @Test
  void sparksNestedAndNullTypesBecomeString() {
    assertThat(JsonFieldTypes.columnType(DataTypes.LongType)).isEqualTo(DataTypes.LongType);
    assertThat(JsonFieldTypes.columnType(new StructType().add("a", DataTypes.LongType)))
        .isEqualTo(DataTypes.StringType);
    assertThat(JsonFieldTypes.columnType(DataTypes.createArrayType(DataTypes.LongType)))
        .isEqualTo(DataTypes.StringType);
    assertThat(JsonFieldTypes.columnType(DataTypes.NullType)).isEqualTo(DataTypes.StringType);
  }

  @Test
  void withVariantObjectsAndArraysAndFieldsMixingThemAreVariant() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    io.lakestream.config.NestedValues variant = io.lakestream.config.NestedValues.VARIANT;
    assertThat(JsonFieldTypes.typeOf(json.readTree("{\"a\":1}"), variant))
        .isEqualTo(DataTypes.VariantType);
    assertThat(JsonFieldTypes.typeOf(json.readTree("[1]"), variant))
        .isEqualTo(DataTypes.VariantType);
    assertThat(JsonFieldTypes.typeOf(json.readTree("[1]"))).isEqualTo(DataTypes.StringType);
    assertThat(JsonFieldTypes.typeOf(json.readTree("7"), variant)).isEqualTo(DataTypes.LongType);
    assertThat(JsonFieldTypes.wider(DataTypes.VariantType, DataTypes.StringType))
        .isEqualTo(DataTypes.VariantType);
    assertThat(JsonFieldTypes.wider(DataTypes.LongType, DataTypes.VariantType))
        .isEqualTo(DataTypes.VariantType);
    assertThat(JsonFieldTypes.columnType(new StructType().add("a", DataTypes.LongType), variant))
        .isEqualTo(DataTypes.VariantType);
    assertThat(JsonFieldTypes.columnType(DataTypes.createDecimalType(4, 2)))
        .isEqualTo(DataTypes.createDecimalType(4, 2));
    assertThat(JsonFieldTypes.columnType(DataTypes.TimestampType))
        .isEqualTo(DataTypes.TimestampType);
  }
}

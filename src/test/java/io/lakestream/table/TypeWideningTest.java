package io.lakestream.table;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class TypeWideningTest {

  private static boolean widens(String from, String to) {
    return TypeWidening.widens(DataType.fromDDL(from), DataType.fromDDL(to));
  }

  @Test
  void theChangesDeltaAppliesInPlace() {
    assertThat(widens("INT", "BIGINT")).isTrue();
    assertThat(widens("TINYINT", "SMALLINT")).isTrue();
    assertThat(widens("SMALLINT", "DOUBLE")).isTrue();
    assertThat(widens("INT", "DOUBLE")).isTrue();
    assertThat(widens("FLOAT", "DOUBLE")).isTrue();
    assertThat(widens("DECIMAL(10,2)", "DECIMAL(12,4)")).isTrue();
    assertThat(widens("INT", "DECIMAL(10,0)")).isTrue();
    assertThat(widens("BIGINT", "DECIMAL(22,2)")).isTrue();
    assertThat(TypeWidening.widens(DataTypes.DateType, DataTypes.TimestampNTZType)).isTrue();
  }

  @Test
  void narrowerOrOtherKindsAreNotWidening() {
    assertThat(widens("BIGINT", "INT")).isFalse();
    assertThat(widens("BIGINT", "DOUBLE")).isFalse(); // digits lost above 2^53
    assertThat(widens("DOUBLE", "FLOAT")).isFalse();
    assertThat(widens("INT", "STRING")).isFalse();
    assertThat(widens("STRING", "INT")).isFalse();
    assertThat(widens("DECIMAL(10,2)", "DECIMAL(10,3)")).isFalse(); // one integer digit fewer
    assertThat(widens("INT", "DECIMAL(9,0)")).isFalse();
    assertThat(widens("DATE", "TIMESTAMP")).isFalse();
    assertThat(widens("INT", "INT")).isFalse();
  }
}

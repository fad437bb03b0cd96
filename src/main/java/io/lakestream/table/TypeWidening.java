package io.lakestream.table;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * The column type changes Delta's type widening applies in place, without rewriting data files
 * ({@code delta.enableTypeWidening}, GA in Delta 4.0): a wider integer, an integer or float to
 * double, a decimal with more integer and fraction digits, an integer to a decimal wide enough for
 * it. Delta's own rule lives in an internal class whose name differs on Databricks, hence this copy
 * of the documented table.
 */
final class TypeWidening {

  private TypeWidening() {}

  static boolean widens(DataType from, DataType to) {
    if (from.equals(to)) {
      return false;
    }
    int fromRank = integerRank(from);
    if (fromRank > 0) {
      int toRank = integerRank(to);
      if (toRank > fromRank) {
        return true;
      }
      if (to.equals(DataTypes.DoubleType)) {
        return fromRank < integerRank(DataTypes.LongType); // long to double would lose digits
      }
      if (to instanceof DecimalType decimal) {
        return decimal.precision() - decimal.scale() >= integerDigits(fromRank);
      }
      return false;
    }
    if (from.equals(DataTypes.FloatType)) {
      return to.equals(DataTypes.DoubleType);
    }
    if (from instanceof DecimalType narrow && to instanceof DecimalType wide) {
      return wide.scale() >= narrow.scale()
          && wide.precision() - wide.scale() >= narrow.precision() - narrow.scale();
    }
    if (from.equals(DataTypes.DateType)) {
      return to.equals(DataTypes.TimestampNTZType);
    }
    return false;
  }

  /** 1 byte, 2 short, 3 int, 4 long, 0 for any other type. */
  private static int integerRank(DataType type) {
    if (type.equals(DataTypes.ByteType)) {
      return 1;
    } else if (type.equals(DataTypes.ShortType)) {
      return 2;
    } else if (type.equals(DataTypes.IntegerType)) {
      return 3;
    } else if (type.equals(DataTypes.LongType)) {
      return 4;
    }
    return 0;
  }

  /** Decimal digits a decimal needs to hold every value of the integer type, as Delta requires. */
  private static int integerDigits(int rank) {
    return rank == 4 ? 20 : 10;
  }
}

package io.lakestream.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Which commit ranges count as plain appends, and what their files hold. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AppendedFilesTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path table;

  @Test
  void appendsNameTheirFilesAndCountTheirRowsFromDeltaStatistics() throws Exception {
    TestSpark.withDeltaStatistics(
        () -> {
          append(List.of("a", "b")); // version 0: the table's creation
          append(List.of("c")); // 1
          append(List.of("d", "e", "f")); // 2
        });

    AppendedFiles all = AppendedFiles.between(fs(), folder(), -1, 2).orElseThrow();
    assertThat(all.numRecords()).hasValue(6);
    assertThat(all.rows(spark).as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f");

    AppendedFiles sinceFirst = AppendedFiles.between(fs(), folder(), 0, 2).orElseThrow();
    assertThat(sinceFirst.numRecords()).hasValue(4);
    assertThat(sinceFirst.rows(spark).as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("c", "d", "e", "f");

    AppendedFiles nothing = AppendedFiles.between(fs(), folder(), 2, 2).orElseThrow();
    assertThat(nothing.paths()).isEmpty();
    assertThat(nothing.rows(spark).count()).isZero();
  }

  @Test
  void filesWithoutStatisticsAreNamedButNotCounted() throws Exception {
    append(List.of("a")); // the test session collects no statistics

    AppendedFiles files = AppendedFiles.between(fs(), folder(), -1, 0).orElseThrow();
    assertThat(files.numRecords()).isEmpty();
    assertThat(files.rows(spark).count()).isEqualTo(1);
  }

  @Test
  void anythingButAppendsLeavesTheReadToDelta() throws Exception {
    append(List.of("a", "b"));
    append(List.of("c"));
    spark.sql("DELETE FROM delta.`" + folder() + "` WHERE value = 'a'"); // version 2
    append(List.of("d")); // 3

    assertThat(AppendedFiles.between(fs(), folder(), 0, 1)).isPresent();
    assertThat(AppendedFiles.between(fs(), folder(), 1, 3)).as("a DELETE removed a file").isEmpty();
    assertThat(AppendedFiles.between(fs(), folder(), 2, 3)).isPresent();

    spark
        .createDataset(List.of("x"), Encoders.STRING())
        .toDF("value")
        .write()
        .format("delta")
        .mode("overwrite")
        .save(folder()); // 4
    assertThat(AppendedFiles.between(fs(), folder(), 3, 4)).as("an overwrite").isEmpty();

    Files.delete(table.resolve("_delta_log").resolve(String.format("%020d.json", 3)));
    assertThat(AppendedFiles.between(fs(), folder(), 2, 3)).as("a commit cleaned up").isEmpty();
    assertThat(AppendedFiles.between(fs(), folder(), 4, 4 + AppendedFiles.MAX_COMMITS + 1))
        .as("too long a range")
        .isEmpty();
  }

  @Test
  void partitionedAppendsAreCountedButNotRead() throws Exception {
    TestSpark.withDeltaStatistics(
        () -> {
          for (List<String> values : List.of(List.of("a", "b"), List.of("c"))) {
            spark
                .createDataset(values, Encoders.STRING())
                .toDF("value")
                .selectExpr("value", "upper(value) AS part")
                .write()
                .format("delta")
                .mode("append")
                .partitionBy("part")
                .save(folder());
          }
        });

    AppendedFiles files = AppendedFiles.between(fs(), folder(), -1, 1).orElseThrow();
    assertThat(files.partitioned()).isTrue();
    assertThat(files.numRecords()).hasValue(3);
    assertThat(files.paths()).hasSize(3);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> files.rows(spark))
        .isInstanceOf(IllegalStateException.class);
  }

  private void append(List<String> values) {
    spark
        .createDataset(values, Encoders.STRING())
        .toDF("value")
        .coalesce(1)
        .write()
        .format("delta")
        .mode("append")
        .save(folder());
  }

  private String folder() {
    return table.toString();
  }

  private FileSystem fs() throws Exception {
    return new org.apache.hadoop.fs.Path(folder())
        .getFileSystem(spark.sparkContext().hadoopConfiguration());
  }
}

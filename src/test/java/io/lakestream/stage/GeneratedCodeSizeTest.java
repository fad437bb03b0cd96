package io.lakestream.stage;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.config.ConfigKeys;
import io.lakestream.config.QualitySettings;
import io.lakestream.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code Spark generates for bronze's parse and classification stays small enough for the JVM to
 * compile. HotSpot leaves a method of more than 8000 bytes of bytecode to the interpreter
 * (HugeMethodLimit); Spark only gives up whole-stage code generation at 65535. The per-line work of
 * bronze ran interpreted that way, a quarter of its task time, until each expression was computed
 * once.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GeneratedCodeSizeTest {

  /** HotSpot's HugeMethodLimit: larger methods are never JIT-compiled by default. */
  private static final int JIT_LIMIT = 8000;

  private final SparkSession spark = TestSpark.session();

  @Test
  void bronzeParseAndQualityChecksCompileToMethodsTheJitCompiles(@TempDir Path landing)
      throws Exception {
    TestSpark.withCodeGeneration(() -> checkMethodSizes(landing));
  }

  private Void checkMethodSizes(Path landing) throws IOException {
    Files.writeString(landing.resolve("events.json"), "{\"event_id\":\"e1\"}\n");
    StructType schema = StructType.fromDDL(ConfigKeys.SAMPLE_EVENT_SCHEMA);
    // A file scan, as bronze reads: a local collection would be folded away by the optimizer.
    Dataset<Row> lines =
        spark
            .read()
            .text(landing.toString())
            .select(col("value").as("_raw_record"), col("_metadata.file_path").as("_source_file"));
    Dataset<Row> classified =
        new QualityRules(
                new QualitySettings(
                    true,
                    List.of("event_id", "user_id", "event_time"),
                    Duration.ofMinutes(10),
                    List.of()),
                schema)
            .apply(new EventParser(schema, 1_048_576, true).parse(lines));

    List<Integer> methodSizes = new ArrayList<>();
    for (WholeStageCodegenExec stage : codegenStages(classified.queryExecution().executedPlan())) {
      methodSizes.add(CodeGenerator.compile(stage.doCodeGen()._2())._2().maxMethodCodeSize());
    }

    assertThat(methodSizes).isNotEmpty().allMatch(size -> size <= JIT_LIMIT);
    return null;
  }

  private static List<WholeStageCodegenExec> codegenStages(SparkPlan plan) {
    List<WholeStageCodegenExec> stages = new ArrayList<>();
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      return codegenStages(adaptive.executedPlan());
    }
    if (plan instanceof WholeStageCodegenExec stage) {
      stages.add(stage);
    }
    plan.children().foreach(child -> stages.addAll(codegenStages(child)));
    return stages;
  }
}

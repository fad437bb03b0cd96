package io.lakestream.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.config.ConfigKeys;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The types add_new_columns gives new fields, the names it leaves rescued, and the recorded
 * versions.
 */
class ContractHistoryTest {

  private static final StructType CONTRACT = StructType.fromDDL(ConfigKeys.SAMPLE_EVENT_SCHEMA);

  @TempDir Path root;

  private static Row rescued(String json, String file) {
    return RowFactory.create(json, file);
  }

  private static List<String> typed(ContractHistory.Findings findings) {
    return findings.fields().stream()
        .map(f -> f.name() + " " + f.type().sql() + " " + f.firstFile())
        .toList();
  }

  @Test
  void typesAreInferredConservativelyFromEveryValue() {
    ContractHistory.Findings findings =
        ContractHistory.infer(
            List.of(
                rescued(
                    "{\"country\":\"DE\",\"score\":7,\"ratio\":2,\"vip\":true,\"tier\":null,\"tags\":[\"a\"]}",
                    "a.json"),
                rescued(
                    "{\"score\":8,\"ratio\":1.5,\"vip\":false,\"mixed\":1,\"meta\":{\"k\":1}}",
                    "b.json"),
                rescued("{\"mixed\":\"x\",\"later\":null}", "c.json"),
                rescued("{\"later\":3}", "d.json")),
            CONTRACT,
            Set.of(),
            4);

    assertThat(typed(findings))
        .containsExactly(
            "country STRING a.json",
            "score BIGINT a.json",
            "ratio DOUBLE a.json",
            "vip BOOLEAN a.json",
            "tags STRING a.json",
            "mixed STRING b.json",
            "meta STRING b.json",
            "later BIGINT d.json");
    assertThat(findings.fields()).allMatch(field -> field.batchId() == 4);
    assertThat(findings.leftRescued())
        .isEmpty(); // tier: only null so far, neither added nor reported
  }

  @Test
  void oddNamesTakenNamesAndContractFieldsStayRescued() {
    ContractHistory.Findings findings =
        ContractHistory.infer(
            List.of(
                rescued(
                    "{\"two words\":1,\"_private\":2,\"Country\":\"DE\",\"amount\":3,\"ok_1\":true}",
                    "a.json")),
            CONTRACT,
            Set.of("country"),
            0);

    assertThat(typed(findings)).containsExactly("ok_1 BOOLEAN a.json");
    assertThat(findings.leftRescued().keySet()).containsExactly("two words", "_private", "Country");
  }

  @Test
  void eachChangeIsANewVersionHoldingEveryFieldAddedAndAReplayAddsNothing() {
    ContractHistory history = new ContractHistory(root.resolve("checkpoint").toString());
    Configuration conf = new Configuration();
    assertThat(history.added(conf)).isEmpty();

    DataType string = org.apache.spark.sql.types.DataTypes.StringType;
    ContractHistory.AddedField country =
        new ContractHistory.AddedField("country", string, 1, "a.json");
    assertThat(history.record(conf, CONTRACT, List.of(country))).containsExactly(country);
    // The same batch replayed finds the same field: nothing new, no new version.
    assertThat(
            history.record(
                conf,
                CONTRACT,
                List.of(new ContractHistory.AddedField("COUNTRY", string, 1, "a.json"))))
        .isEmpty();
    ContractHistory.AddedField tier = new ContractHistory.AddedField("tier", string, 5, "c.json");
    history.record(conf, CONTRACT, List.of(tier));

    assertThat(history.added(conf)).containsExactly(country, tier);
    assertThat(root.resolve("checkpoint/lakestream-schema/2.json")).exists();
    assertThat(root.resolve("checkpoint/lakestream-schema/3.json")).doesNotExist();
    assertThat(ContractHistory.widen(CONTRACT, history.added(conf)).toDDL())
        .endsWith("country STRING,tier STRING");
  }
}

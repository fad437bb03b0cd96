package io.lakestream.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.fs.HadoopFiles;
import io.lakestream.table.TxnIdentity;
import io.lakestream.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sink's id stays with its checkpoint, and its first new batch is the one after the last batch
 * Spark logged in the checkpoint: read from a real query's checkpoint.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TxnIdentityFileTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  private static final List<Long> SEEN = Collections.synchronizedList(new ArrayList<>());

  @Test
  void aNewCheckpointStartsAtBatchZeroAndKeepsItsId() {
    HadoopFiles files = new HadoopFiles(spark);
    String checkpoint = root.resolve("checkpoint").toString();

    TxnIdentity first = TxnIdentityFile.loadOrCreate(files, checkpoint);
    TxnIdentity again = TxnIdentityFile.loadOrCreate(files, checkpoint);

    assertThat(first.firstNewBatch()).isZero();
    assertThat(again).isEqualTo(first);
    assertThat(TxnIdentityFile.loadOrCreate(files, root.resolve("other").toString()).appId())
        .isNotEqualTo(first.appId());
  }

  @Test
  void theFirstNewBatchFollowsTheLastBatchSparkLogged() throws Exception {
    Path landing = Files.createDirectories(root.resolve("landing"));
    Files.writeString(landing.resolve("a.txt"), "1\n");
    Files.writeString(landing.resolve("b.txt"), "2\n");
    Files.writeString(landing.resolve("c.txt"), "3\n");
    String checkpoint = root.resolve("checkpoint").toString();
    HadoopFiles files = new HadoopFiles(spark);
    TxnIdentity before = TxnIdentityFile.loadOrCreate(files, checkpoint);

    SEEN.clear();
    StreamingQuery query =
        spark
            .readStream()
            .format("text")
            .option("maxFilesPerTrigger", 1)
            .load(landing.toString())
            .writeStream()
            .option("checkpointLocation", checkpoint)
            .trigger(Trigger.AvailableNow())
            .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (rows, batchId) -> SEEN.add(batchId))
            .start();
    query.awaitTermination();
    // A temporary file Spark left behind is not a logged batch.
    Files.writeString(Path.of(checkpoint, "offsets", ".7.0b1c.tmp"), "");
    TxnIdentity after = TxnIdentityFile.loadOrCreate(files, checkpoint);

    assertThat(SEEN).containsExactly(0L, 1L, 2L);
    assertThat(before.firstNewBatch()).isZero();
    assertThat(after.firstNewBatch()).isEqualTo(3);
    assertThat(after.appId()).isEqualTo(before.appId());
  }
}

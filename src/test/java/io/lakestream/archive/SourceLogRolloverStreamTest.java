package io.lakestream.archive;

import static io.lakestream.testing.TestTables.table;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.app.Pipeline;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.source.SourceLogGeneration;
import io.lakestream.testing.Events;
import io.lakestream.testing.TestConfigs;
import io.lakestream.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingest.source_log_max_size: bronze goes on with a new file-source log once the old one outgrew
 * the limit, reading every file once, with batch ids that go on.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SourceLogRolloverStreamTest {

  private final SparkSession spark = TestSpark.session();

  @TempDir Path root;

  private LakestreamConfig config(String... more) {
    Map<String, String> settings = new HashMap<>();
    settings.put("pipeline.stop_after", "bronze");
    settings.put("archive.mode", "move");
    // Any log is over one byte: every start that can begins a new one.
    settings.put("ingest.source_log_max_size", "1");
    settings.put("ingest.max_files_per_trigger", "1");
    for (int i = 0; i < more.length; i += 2) {
      settings.put(more[i], more[i + 1]);
    }
    return TestConfigs.local(root, settings);
  }

  private Path bronzeCheckpoint() {
    return root.resolve("checkpoints/bronze_events");
  }

  private void land(String name, String eventId) throws Exception {
    Events.land(
        root.resolve("landing"), name, List.of(Events.event(eventId, "u1", "click", Events.at(0))));
  }

  private List<String> bronzeEvents(LakestreamConfig config) {
    return table(config, "bronze_events").select("event_id").as(Encoders.STRING()).collectAsList();
  }

  private List<Long> auditedBatches(LakestreamConfig config) {
    return table(config, "audit_batches")
        .orderBy("batch_id")
        .select("batch_id")
        .as(Encoders.LONG())
        .collectAsList();
  }

  @Test
  void eachStartAfterTheLogOutgrewItsLimitGoesOnWithANewLogReadingEveryFileOnce() throws Exception {
    LakestreamConfig config = config();
    land("a.json", "e1");
    land("b.json", "e2");
    new Pipeline(spark, config).run();
    assertThat(Files.exists(bronzeCheckpoint().resolve("offsets"))).isTrue();

    land("c.json", "e3");
    land("d.json", "e4");
    new Pipeline(spark, config).run();

    SourceLogGeneration second =
        SourceLogGeneration.current(
            spark.sparkContext().hadoopConfiguration(), bronzeCheckpoint().toString());
    assertThat(second.number()).isEqualTo(1);
    assertThat(second.firstBatchId()).isEqualTo(2);
    // The first log's Spark folders are gone; lakestream's own state stays.
    assertThat(Files.exists(bronzeCheckpoint().resolve("offsets"))).isFalse();
    assertThat(Files.exists(bronzeCheckpoint().resolve("sources"))).isFalse();
    assertThat(Files.exists(bronzeCheckpoint().resolve("lakestream-txn-app-id"))).isTrue();
    assertThat(Files.exists(Path.of(second.checkpoint(), "offsets"))).isTrue();

    land("e.json", "e5");
    new Pipeline(spark, config).run();
    new Pipeline(spark, config).run(); // nothing new

    assertThat(bronzeEvents(config)).containsExactlyInAnyOrder("e1", "e2", "e3", "e4", "e5");
    assertThat(auditedBatches(config)).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(
            table(config, "pipeline_progress")
                .where("query = 'bronze_events'")
                .orderBy("batch_id")
                .select("batch_id")
                .as(Encoders.LONG())
                .collectAsList())
        .containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(ArchiveStreamTest.filesUnder(root.resolve("landing"))).isEmpty();
    assertThat(ArchiveStreamTest.filesUnder(root.resolve("archive")))
        .containsExactlyInAnyOrder("a.json", "b.json", "c.json", "d.json", "e.json");
    // Only the newest log is kept.
    assertThat(
            Files.list(bronzeCheckpoint().resolve(SourceLogGeneration.FOLDER))
                .filter(Files::isDirectory)
                .map(path -> path.getFileName().toString())
                .toList())
        .containsExactly(
            String.valueOf(
                SourceLogGeneration.current(
                        spark.sparkContext().hadoopConfiguration(), bronzeCheckpoint().toString())
                    .number()));
  }

  /**
   * A file the old log lists that is back in landing would be read again by a new log: the old one
   * stays until it is gone.
   */
  @Test
  void aFileBackUnderANameTheOldLogReadKeepsTheOldLog() throws Exception {
    LakestreamConfig config = config();
    land("a.json", "e1");
    new Pipeline(spark, config).run();
    Files.copy(root.resolve("archive/a.json"), root.resolve("landing/a.json"));
    land("b.json", "e2");

    new Pipeline(spark, config).run();

    assertThat(
            SourceLogGeneration.current(
                    spark.sparkContext().hadoopConfiguration(), bronzeCheckpoint().toString())
                .number())
        .isZero();
    assertThat(bronzeEvents(config)).containsExactlyInAnyOrder("e1", "e2");

    Files.delete(root.resolve("landing/a.json"));
    land("c.json", "e3");
    new Pipeline(spark, config).run();

    assertThat(
            SourceLogGeneration.current(
                    spark.sparkContext().hadoopConfiguration(), bronzeCheckpoint().toString())
                .number())
        .isEqualTo(1);
    assertThat(bronzeEvents(config)).containsExactlyInAnyOrder("e1", "e2", "e3");
    assertThat(auditedBatches(config)).containsExactly(0L, 1L, 2L);
  }

  /**
   * A new log knows no name the old one read: a file back under such a name is read again, as after
   * ingest.max_file_age, and not reported as skipped.
   */
  @Test
  void aNameReadByAnOldLogIsReadAgainAndNotReportedAsSkipped() throws Exception {
    LakestreamConfig config = config();
    land("a.json", "e1");
    new Pipeline(spark, config).run();
    land("b.json", "e2");
    new Pipeline(spark, config).run(); // on a new log
    Files.copy(root.resolve("archive/a.json"), root.resolve("landing/a.json"));

    io.lakestream.app.RunSummary summary = new Pipeline(spark, config).run().summary();

    assertThat(summary.archiving().reappearedThisRun()).isZero();
    assertThat(bronzeEvents(config)).containsExactlyInAnyOrder("e1", "e2", "e1");
    assertThat(ArchiveStreamTest.filesUnder(root.resolve("landing"))).isEmpty();
  }

  /**
   * A run whose log outgrows the limit at a compaction (every tenth batch) restarts its queries on
   * a new log and drains the rest: every file once, batch ids 0 to 13.
   */
  @Test
  void aRunWhoseLogOutgrowsTheLimitGoesOnWithANewOne() throws Exception {
    LakestreamConfig config = config();
    for (int i = 0; i < 14; i++) {
      land(String.format("f%02d.json", i), "e" + i);
    }

    new Pipeline(spark, config).run();

    SourceLogGeneration generation =
        SourceLogGeneration.current(
            spark.sparkContext().hadoopConfiguration(), bronzeCheckpoint().toString());
    assertThat(generation.number()).isEqualTo(1);
    assertThat(generation.firstBatchId()).isEqualTo(10);
    assertThat(bronzeEvents(config))
        .containsExactlyInAnyOrderElementsOf(
            LongStream.range(0, 14).mapToObj(i -> "e" + i).toList());
    assertThat(auditedBatches(config))
        .containsExactlyElementsOf(LongStream.range(0, 14).boxed().toList());
    assertThat(ArchiveStreamTest.filesUnder(root.resolve("archive"))).hasSize(14);
    assertThat(ArchiveStreamTest.filesUnder(root.resolve("landing"))).isEmpty();
  }
}

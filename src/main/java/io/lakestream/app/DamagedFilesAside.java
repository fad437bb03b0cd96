package io.lakestream.app;

import io.lakestream.archive.ArchivePaths;
import io.lakestream.archive.SourceFileLog;
import io.lakestream.config.IngestSettings;
import io.lakestream.fs.SessionHadoopConf;
import io.lakestream.sink.BronzeBatchWriter;
import io.lakestream.source.DamagedFiles;
import io.lakestream.source.LandingStream;
import io.lakestream.source.SourceLogGeneration;
import io.lakestream.source.StartPoint;
import io.lakestream.stage.Stage;
import io.lakestream.table.BronzeTable;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a bronze micro-batch; if it fails on a compressed file its codec cannot decode ({@link
 * DamagedFiles}), writes the batch again without that file plus one quarantine record for it
 * (reason {@code unreadable_file}, the codec's error as detail, the file as source). The file stays
 * in the batch's file list, so it is archived as it came. A replay meets the same damage and takes
 * the same way; any other failure fails the batch as before.
 */
final class DamagedFilesAside {

  private static final Logger LOG = LoggerFactory.getLogger(DamagedFilesAside.class);

  private final String queryName;

  /** The file-source log this query start runs on, which lists each batch's files. */
  private final SourceLogGeneration sourceLog;

  /** From the landing read's lines to the rows the writer takes, as the query's plan does it. */
  private final Stage classifiedRows;

  private final IngestSettings ingest;
  private final StartPoint start;

  DamagedFilesAside(
      String queryName,
      SourceLogGeneration sourceLog,
      Stage classifiedRows,
      IngestSettings ingest,
      StartPoint start) {
    this.start = start;
    this.queryName = queryName;
    this.sourceLog = sourceLog;
    this.classifiedRows = classifiedRows;
    this.ingest = ingest;
  }

  BronzeBatchWriter.Written write(BronzeBatchWriter writer, Dataset<Row> batch, long batchId)
      throws Exception {
    Map<String, String> damaged = new LinkedHashMap<>(); // the file as Spark names it -> why
    Dataset<Row> rows = batch;
    while (true) {
      try {
        return writer.write(rows, batchId);
      } catch (Exception failure) {
        Optional<String> file = DamagedFiles.fileNamedBy(failure);
        if (file.isEmpty() || damaged.containsKey(file.get())) {
          throw failure;
        }
        Configuration hadoopConf = SessionHadoopConf.of(batch.sparkSession());
        Optional<String> damage = DamagedFiles.damage(hadoopConf, new Path(URI.create(file.get())));
        if (damage.isEmpty()) {
          throw failure;
        }
        LOG.warn(
            "Query {} batch {}: {} cannot be read ({}); it is quarantined as one record (reason {}),"
                + " archived as it came, and the batch's other files are written",
            queryName,
            batchId,
            file.get(),
            damage.get(),
            DamagedFiles.UNREADABLE_FILE);
        damaged.put(file.get(), damage.get());
        rows = withoutDamaged(batch.sparkSession(), hadoopConf, batchId, batch.schema(), damaged);
      }
    }
  }

  private Dataset<Row> withoutDamaged(
      SparkSession spark,
      Configuration hadoopConf,
      long batchId,
      StructType schema,
      Map<String, String> damaged)
      throws java.io.IOException {
    List<Path> damagedPaths =
        damaged.keySet().stream()
            .map(file -> ArchivePaths.canonical(new Path(URI.create(file))))
            .toList();
    List<Path> readable = new ArrayList<>();
    for (Path file :
        new SourceFileLog(sourceLog.sourceLog().getFileSystem(hadoopConf), sourceLog, start::reads)
            .filesOf(batchId)) {
      if (!damagedPaths.contains(ArchivePaths.canonical(file))) {
        readable.add(file);
      }
    }
    List<Row> records = new ArrayList<>();
    damaged.forEach((file, why) -> records.add(record(schema, file, why)));
    StructType nullable =
        new StructType(
            java.util.Arrays.stream(schema.fields())
                .map(
                    field ->
                        new org.apache.spark.sql.types.StructField(
                            field.name(), field.dataType(), true, field.metadata()))
                .toArray(org.apache.spark.sql.types.StructField[]::new));
    return classifiedRows
        .apply(LandingStream.readFiles(spark, readable, ingest))
        .unionByName(spark.createDataFrame(records, nullable));
  }

  /** A quarantined record standing for the whole file: every other column null. */
  private static Row record(StructType schema, String file, String why) {
    Object[] values = new Object[schema.size()];
    values[schema.fieldIndex(BronzeTable.QUARANTINE_REASON)] = DamagedFiles.UNREADABLE_FILE;
    values[schema.fieldIndex(BronzeTable.QUARANTINE_DETAIL)] = why;
    values[schema.fieldIndex(BronzeTable.SOURCE_FILE)] = file;
    return RowFactory.create(values);
  }
}

package io.lakestream.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few bookkeeping rows a micro-batch produces for a small Delta table ({@code audit_batches},
 * {@code archive_log}), kept durably beside the query's checkpoint and appended to the table in one commit
 * now and then, instead of one Delta commit per batch.
 *
 * <p>A batch's rows are saved as one file, {@code <folder>/<batch id>.rows}, written aside and renamed into
 * place (a replay of the batch rewrites it). {@link #flush} appends every saved row the table does not hold
 * yet (compared on the table's key), then removes the files; a crash between the commit and the removal is
 * harmless, since the next flush finds those rows in the table and leaves them out, and so is a replayed batch
 * that saves rows the start-up flush already appended. A flush runs when one is
 * {@link #DUE_EVERY} after the last, at the start and at the end of every run, so the table lags a running
 * pipeline by at most that long and is complete whenever no run is active.
 */
public final class TableOutbox {

  /** How long rows may wait in the outbox of a running query. */
  public static final Duration DUE_EVERY = Duration.ofSeconds(30);

  private static final String SUFFIX = ".rows";
  private static final Pattern ROWS_FILE = Pattern.compile("\\d+\\.rows");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(TableOutbox.class);
  /**
   * One flush at a time per table in this JVM: a flush reads the table (to leave out rows it holds) before it
   * appends, so two queries flushing into audit_batches at once would fail Delta's conflict check.
   */
  private static final java.util.concurrent.ConcurrentHashMap<String, Object> TABLE_LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

  private final Path folder;
  private final String tableIdentifier;
  private final StructType schema;
  private final List<String> key;
  private volatile long lastFlushNanos = System.nanoTime();

  /**
   * @param key the columns that identify a row of the table; a saved row whose key the table holds is not
   *     appended again (null equals null)
   */
  public TableOutbox(String folder, String tableIdentifier, StructType schema, List<String> key) {
    this.folder = new Path(folder);
    this.tableIdentifier = tableIdentifier;
    this.schema = schema;
    this.key = List.copyOf(key);
  }

  public String tableIdentifier() {
    return tableIdentifier;
  }

  /** Saves batch {@code batchId}'s rows durably (replacing what an earlier attempt of the batch saved). */
  public void add(Configuration hadoopConf, long batchId, List<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    try {
      FileSystem fs = folder.getFileSystem(hadoopConf);
      fs.mkdirs(folder);
      Path file = new Path(folder, batchId + SUFFIX);
      Path aside = new Path(folder, "." + batchId + SUFFIX + ".tmp");
      try (OutputStream out = fs.create(aside, true)) {
        for (Row row : rows) {
          out.write((JSON.writeValueAsString(encode(row)) + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      fs.delete(file, false);
      if (!fs.rename(aside, file)) {
        throw new IOException("rename of " + aside + " to " + file + " returned false");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save batch " + batchId + "'s rows for " + tableIdentifier + " in " + folder, e);
    }
  }

  /** Flushes when {@link #DUE_EVERY} has passed since the last flush. */
  public void flushIfDue(SparkSession spark) {
    if (System.nanoTime() - lastFlushNanos >= DUE_EVERY.toNanos()) {
      flush(spark);
    }
  }

  /** Appends the saved rows the table does not hold yet, in one commit, then forgets them. */
  public long flush(SparkSession spark) {
    return flushAll(spark, List.of(this));
  }

  /**
   * Flushes several outboxes (say, every query's for {@code audit_batches}): one read and one commit per table
   * rather than one per outbox.
   */
  public static long flushAll(SparkSession spark, List<TableOutbox> outboxes) {
    Map<String, List<TableOutbox>> byTable = new LinkedHashMap<>();
    outboxes.forEach(outbox -> byTable.computeIfAbsent(outbox.tableIdentifier, table -> new ArrayList<>()).add(outbox));
    long flushed = 0;
    for (Map.Entry<String, List<TableOutbox>> table : byTable.entrySet()) {
      synchronized (TABLE_LOCKS.computeIfAbsent(table.getKey(), name -> new Object())) {
        flushed += flushTable(spark, table.getValue());
      }
    }
    return flushed;
  }

  private static void deleteFlushed(List<Saved> files) throws IOException {
    for (Saved file : files) {
      if (!file.fs().delete(file.file(), false) && file.fs().exists(file.file())) {
        throw new IOException("Cannot remove flushed " + file.file());
      }
    }
  }

  /** One saved file and the file system it is on. */
  private record Saved(FileSystem fs, Path file) {}

  private static long flushTable(SparkSession spark, List<TableOutbox> outboxes) {
    TableOutbox first = outboxes.get(0);
    Configuration hadoopConf = spark.sessionState().newHadoopConf();
    List<Saved> files = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    try {
      for (TableOutbox outbox : outboxes) {
        outbox.lastFlushNanos = System.nanoTime();
        FileSystem fs = outbox.folder.getFileSystem(hadoopConf);
        for (Path file : outbox.savedFiles(fs)) {
          first.read(fs, file, rows);
          files.add(new Saved(fs, file));
        }
      }
      if (rows.isEmpty()) {
        return 0;
      }
      Dataset<Row> saved = spark.createDataFrame(rows, first.schema);
      // Always compared with the table: a batch replayed after a crash saves its rows again, although the flush
      // at start-up may already have appended the first attempt's.
      Column firstKey = functions.col(first.key.get(0));
      int firstKeyIndex = first.schema.fieldIndex(first.key.get(0));
      Object[] firstKeys = rows.stream().map(row -> row.get(firstKeyIndex)).distinct().toArray();
      Dataset<Row> held =
          spark.table(first.tableIdentifier).where(firstKey.isin(firstKeys)).select(first.key.stream().map(functions::col).toArray(Column[]::new));
      Column same = null;
      for (String column : first.key) {
        Column equal = saved.col(column).eqNullSafe(held.col(column));
        same = same == null ? equal : same.and(equal);
      }
      saved.join(held, same, "left_anti").write().format("delta").mode("append").saveAsTable(first.tableIdentifier);
      deleteFlushed(files);
      LOG.debug("Flushed {} saved rows of {} batches to {}", rows.size(), files.size(), first.tableIdentifier);
      return rows.size();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot flush the saved rows of " + first.tableIdentifier, e);
    }
  }

  private List<Path> savedFiles(FileSystem fs) throws IOException {
    List<Path> files = new ArrayList<>();
    try {
      for (FileStatus status : fs.listStatus(folder)) {
        String name = status.getPath().getName();
        if (ROWS_FILE.matcher(name).matches()) {
          files.add(status.getPath());
        } else if (!name.startsWith(".")) {
          LOG.warn("Ignoring {} in {}: lakestream did not write it", name, folder);
        }
      }
    } catch (FileNotFoundException e) {
      return List.of(); // nothing was ever saved here
    }
    return files;
  }

  private ArrayNode encode(Row row) {
    ArrayNode values = JSON.createArrayNode();
    for (int i = 0; i < schema.size(); i++) {
      Object value = row.get(i);
      if (value == null) {
        values.addNull();
      } else if (value instanceof Timestamp timestamp) {
        values.add(timestamp.toInstant().toString());
      } else if (value instanceof Long number) {
        values.add(number);
      } else if (value instanceof Integer number) {
        values.add(number);
      } else if (value instanceof Double number) {
        values.add(number);
      } else if (value instanceof Boolean flag) {
        values.add(flag);
      } else {
        values.add(value.toString());
      }
    }
    return values;
  }

  private void read(FileSystem fs, Path file, List<Row> into) throws IOException {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode values = JSON.readTree(line);
        Object[] row = new Object[schema.size()];
        StructField[] fields = schema.fields();
        for (int i = 0; i < fields.length; i++) {
          row[i] = decode(values.get(i), fields[i].dataType());
        }
        into.add(RowFactory.create(row));
      }
    }
  }

  private static Object decode(JsonNode value, DataType type) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (type.equals(DataTypes.TimestampType)) {
      return Timestamp.from(Instant.parse(value.asText()));
    }
    if (type.equals(DataTypes.LongType)) {
      return value.asLong();
    }
    if (type.equals(DataTypes.IntegerType)) {
      return value.asInt();
    }
    if (type.equals(DataTypes.DoubleType)) {
      return value.asDouble();
    }
    if (type.equals(DataTypes.BooleanType)) {
      return value.asBoolean();
    }
    return value.asText();
  }
}

package io.lakestream.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The data files a run of commits only appended to a Delta table, read from the commits' JSON files
 * on the driver: no snapshot is rebuilt and no Spark job runs.
 *
 * <p>Only a range made of plain appends qualifies: every commit's file is there (no checkpoint has
 * replaced it), no file was removed (a {@code DELETE}, an overwrite, a compaction), no metadata
 * changed (a schema change, column mapping), no file carries a deletion vector, and the latest
 * commit's checksum file gives the table's schema. Reading those files as Parquet with that schema
 * then gives exactly the rows the range added (for a table without partitions; a partitioned one's
 * files give their row count only, from their statistics); anything else is {@link
 * Optional#empty()}, and the caller reads the table through Delta.
 */
public final class AppendedFiles {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Past this many commits, Delta's own snapshot (from its checkpoint) is the cheaper read: each
   * commit is a file to open (a request on object stores) and names at least one small file.
   */
  static final int MAX_COMMITS = 100;

  private final List<String> paths;
  private final OptionalLong numRecords;
  private final StructType schema;

  private final boolean partitioned;

  private AppendedFiles(
      List<String> paths, OptionalLong numRecords, StructType schema, boolean partitioned) {
    this.paths = List.copyOf(paths);
    this.numRecords = numRecords;
    this.schema = schema;
    this.partitioned = partitioned;
  }

  /**
   * The files appended by commits {@code after + 1} to {@code latest} of the table in {@code
   * folder}; {@code after = -1} reads from the table's creation.
   */
  public static Optional<AppendedFiles> between(
      FileSystem fs, String folder, long after, long latest) {
    if (latest - after > MAX_COMMITS) {
      return Optional.empty();
    }
    List<String> paths = new ArrayList<>();
    long records = 0;
    boolean counted = true;
    boolean partitioned = false;
    Path log = new Path(folder, DeltaLogNames.LOG_FOLDER);
    for (long version = after + 1; version <= latest; version++) {
      Path commit = DeltaLogNames.commitFile(folder, version);
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(fs.open(commit), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode action = JSON.readTree(line);
          if (action.has("remove")
              || action.has("cdc")
              || (action.has("metaData") && version > 0)
              || (action.has("metaData") && mapsColumns(action.get("metaData")))) {
            return Optional.empty();
          }
          JsonNode add = action.get("add");
          if (add == null) {
            continue;
          }
          if (add.hasNonNull("deletionVector")) {
            return Optional.empty();
          }
          partitioned |= !add.path("partitionValues").isEmpty();
          paths.add(absolute(folder, add.path("path").asText()));
          OptionalLong fileRecords = numRecords(add);
          if (fileRecords.isPresent()) {
            records += fileRecords.getAsLong();
          } else {
            counted = false;
          }
        }
      } catch (IOException | URISyntaxException | RuntimeException e) {
        return Optional.empty(); // a commit cleaned up or unreadable: Delta reads the table
      }
    }
    OptionalLong numRecords = counted ? OptionalLong.of(records) : OptionalLong.empty();
    boolean anyPartitioned = partitioned;
    return schemaAt(fs, log, latest)
        .map(schema -> new AppendedFiles(paths, numRecords, schema, anyPartitioned));
  }

  /**
   * Whether a file carries partition values: its partition columns are in the commit, not in the
   * file, so {@link #rows} cannot give them; {@link #numRecords} holds all the same.
   */
  public boolean partitioned() {
    return partitioned;
  }

  /**
   * The appended rows: the files read as Parquet with the table's schema.
   *
   * @throws IllegalStateException if the files are {@link #partitioned()}
   */
  public Dataset<Row> rows(SparkSession spark) {
    if (partitioned) {
      throw new IllegalStateException("partitioned files hold no partition columns to read");
    }
    return paths.isEmpty()
        ? spark.createDataFrame(List.of(), schema)
        : spark.read().schema(schema).parquet(paths.toArray(String[]::new));
  }

  /** Absolute paths of the appended data files, in commit order. */
  public List<String> paths() {
    return paths;
  }

  /**
   * The rows the files hold, from the statistics Delta wrote with each file; empty when a file has
   * none ({@code spark.databricks.delta.stats.collect=false}).
   */
  public OptionalLong numRecords() {
    return numRecords;
  }

  /** The table's schema at {@code version}, from the checksum file Delta writes beside it. */
  private static Optional<StructType> schemaAt(FileSystem fs, Path log, long version) {
    Path checksum = new Path(log, DeltaLogNames.checksum(version));
    try (InputStream in = fs.open(checksum)) {
      JsonNode metadata = JSON.readTree(in).path("metadata");
      if (mapsColumns(metadata)) {
        return Optional.empty();
      }
      return Optional.of((StructType) DataType.fromJson(metadata.path("schemaString").asText()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static boolean mapsColumns(JsonNode metaData) {
    String mode = metaData.path("configuration").path("delta.columnMapping.mode").asText("none");
    return !mode.equals("none");
  }

  private static OptionalLong numRecords(JsonNode add) throws IOException {
    String stats = add.path("stats").asText("");
    if (stats.isEmpty()) {
      return OptionalLong.empty();
    }
    JsonNode count = JSON.readTree(stats).get("numRecords");
    return count != null && count.canConvertToLong()
        ? OptionalLong.of(count.asLong())
        : OptionalLong.empty();
  }

  /** A file's path as Delta resolves it: URI-encoded, relative to the table unless absolute. */
  private static String absolute(String folder, String path) throws URISyntaxException {
    Path file = new Path(new URI(path));
    return (file.isAbsolute() ? file : new Path(new Path(folder), file)).toString();
  }
}

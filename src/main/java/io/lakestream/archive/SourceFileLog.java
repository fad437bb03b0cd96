package io.lakestream.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.source.SourceLogGeneration;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The files of one micro-batch, as the file source recorded them in its checkpoint (the current
 * {@link SourceLogGeneration}'s {@code sources/0/<batchId>}, or {@code <batchId>.compact} every
 * tenth batch: a line {@code v1}, then one JSON object per file with {@code path}, {@code
 * timestamp} and {@code batchId}).
 *
 * <p>The batch's rows cannot tell: an empty file has no rows but is still part of the batch, and by
 * the time a batch is replayed some of its files may already be archived.
 *
 * <p>Spark or Delta internals: listed with their gain, version check and fallback in {@code
 * src/docs/design.md} ("Internals of Spark and Delta").
 */
public final class SourceFileLog {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final SourceLogGeneration generation;
  private final Path logFolder;
  private final java.util.function.LongPredicate readsModifiedAt;

  public SourceFileLog(FileSystem fs, SourceLogGeneration generation) {
    this(fs, generation, modified -> true);
  }

  /**
   * @param readsModifiedAt whether the batch read a file of that modification time (ingest.start):
   *     the source logs the files before the start point too
   */
  public SourceFileLog(
      FileSystem fs,
      SourceLogGeneration generation,
      java.util.function.LongPredicate readsModifiedAt) {
    this.fs = fs;
    this.generation = generation;
    this.logFolder = generation.sourceLog();
    this.readsModifiedAt = readsModifiedAt;
  }

  /**
   * The fully qualified files of batch {@code batchId} (lakestream's id: Spark's within the current
   * {@link SourceLogGeneration}) that it read, in the order the source listed them.
   */
  public List<Path> filesOf(long lakestreamBatchId) {
    long batchId = generation.sparkBatchId(lakestreamBatchId);
    Path plain = new Path(logFolder, Long.toString(batchId));
    Path compact = new Path(logFolder, batchId + ".compact");
    try {
      Path file = plain;
      java.io.InputStream stream;
      try {
        stream = fs.open(plain); // no exists() first: on S3 that is one more request per batch
      } catch (java.io.FileNotFoundException e) {
        file = compact;
        stream = fs.open(compact);
      }
      List<Path> files = new ArrayList<>();
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        String version = in.readLine();
        if (version == null || !version.equals("v1")) {
          throw new IOException("unsupported file source log version " + version + " in " + file);
        }
        // A compact file holds every file the source ever read: only the lines naming this batch
        // are parsed (the text test lets batch 5's lines through for batch 50 too; the parse
        // decides).
        String batchField = "\"batchId\":" + batchId;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.isBlank() || !line.contains(batchField)) {
            continue;
          }
          JsonNode entry = JSON.readTree(line);
          if (entry.path("batchId").asLong(-1) == batchId
              && readsModifiedAt.test(entry.path("timestamp").asLong())) {
            files.add(ArchivePaths.canonical(new Path(new URI(entry.path("path").asText()))));
          }
        }
      }
      return files;
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException(
          "Cannot read the files of batch " + batchId + " from " + logFolder, e);
    }
  }
}

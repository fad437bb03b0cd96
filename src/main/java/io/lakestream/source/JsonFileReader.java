package io.lakestream.source;

import io.lakestream.stage.EventParser;
import io.lakestream.table.BronzeTable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads each JSON document file a task is given ({@code ingest.format=json}) into one row per
 * record ({@link JsonRecords}), decoding a compressed file through the same Hadoop codecs as the
 * line read. The file is streamed, never held whole.
 *
 * <p>A failure of the storage fails the task, which Spark retries and the batch replays. A codec
 * that cannot decode the file's bytes (a truncated or corrupt {@code .gz}) is damage: the records
 * decoded before it are kept and one record {@code unreadable_file} (the codec's error, the text
 * left unfinished) stands for the rest, so a damaged file never fails the pipeline. A file gone
 * since it was listed was archived by the batch's earlier attempt and is skipped, as the line
 * read's {@code ignoreMissingFiles} does.
 */
public final class JsonFileReader implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;

  /** The rows it gives: the record's text, its file, and the reading's own verdict (or nulls). */
  public static final StructType RECORDS =
      new StructType()
          .add(BronzeTable.RAW_RECORD, DataTypes.StringType)
          .add(BronzeTable.SOURCE_FILE, DataTypes.StringType)
          .add(EventParser.READ_REASON, DataTypes.StringType)
          .add(EventParser.READ_DETAIL, DataTypes.StringType);

  private final HadoopConf hadoopConf;
  private final long maxRecordBytes;

  /**
   * @param hadoopConf the session's Hadoop configuration, with the zstd codec named
   */
  public JsonFileReader(Configuration hadoopConf, long maxRecordBytes) {
    this.hadoopConf = new HadoopConf(hadoopConf);
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * @param files rows whose first column is a file as {@code _metadata.file_path} names it
   */
  @Override
  public Iterator<Row> call(Iterator<Row> files) {
    CompressionCodecFactory codecs = new CompressionCodecFactory(hadoopConf.value);
    return new Iterator<>() {
      private Iterator<Row> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && files.hasNext()) {
          current = records(files.next().getString(0), codecs);
        }
        return current.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  private Iterator<Row> records(String file, CompressionCodecFactory codecs) {
    Path path = new Path(URI.create(file));
    CompressionCodec codec = codecs.getCodec(path);
    RawBytes raw;
    InputStream decoded;
    try {
      FileSystem fs = path.getFileSystem(hadoopConf.value);
      raw = new RawBytes(fs.open(path));
      decoded = codec == null ? raw : codec.createInputStream(raw);
    } catch (FileNotFoundException gone) {
      return Collections.emptyIterator();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open " + file, e);
    }
    InputStreamReader reader =
        new InputStreamReader(
            decoded,
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE));
    JsonRecords records = new JsonRecords(reader, maxRecordBytes);
    return new Iterator<>() {
      private boolean done;
      private Row damage;

      @Override
      public boolean hasNext() {
        if (done) {
          return damage != null;
        }
        try {
          if (records.hasNext()) {
            return true;
          }
        } catch (UncheckedIOException e) {
          if (raw.failed() || codec == null) {
            throw new UncheckedIOException("Cannot read " + file, e.getCause());
          }
          damage =
              RowFactory.create(
                  records.unfinished(),
                  file,
                  DamagedFiles.UNREADABLE_FILE,
                  DamagedFiles.codecFailure(codec, e.getCause())
                      + "; the records before were read");
        }
        done = true;
        close(reader);
        return damage != null;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        if (done) {
          Row last = damage;
          damage = null;
          return last;
        }
        JsonRecords.Record record = records.next();
        return RowFactory.create(record.text(), file, record.reason(), record.detail());
      }
    };
  }

  private static void close(InputStreamReader reader) {
    try {
      reader.close();
    } catch (IOException ignored) {
      // read to its end or given up: nothing is lost by a failed close
    }
  }

  /** A Hadoop configuration carried to the executors (it is Writable, not Serializable). */
  private static final class HadoopConf implements Serializable {
    private static final long serialVersionUID = 1L;
    private transient Configuration value;

    HadoopConf(Configuration value) {
      this.value = value;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      out.defaultWriteObject();
      value.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      value = new Configuration(false);
      value.readFields(in);
    }
  }
}

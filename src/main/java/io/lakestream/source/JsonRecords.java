package io.lakestream.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.lakestream.stage.EventParser;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Splits the text of a JSON document file ({@code ingest.format=json}) into records, reading it as
 * a stream with Jackson: each top-level value is a record, and each element of a top-level array. A
 * record's text is exactly as it stands in the file (the event parser then reads it as it reads a
 * line, so a non-object element is quarantined as {@code malformed_json} like a line holding one).
 *
 * <p>Memory stays bounded by the record, not the file: a record longer than {@code maxRecordChars}
 * is skipped while it streams past and comes out as {@code record_too_large} with its first
 * characters. Where the file stops being JSON (truncated, or broken in the middle), the records
 * before are kept and the rest of the file is one record with {@code malformed_json} and Jackson's
 * message: nothing after a break can be told apart from the break itself.
 *
 * <p>Plain Java, no Spark; {@link JsonFileReader} feeds it one decoded file at a time.
 */
public final class JsonRecords implements Iterator<JsonRecords.Record> {

  /** How many characters a too-large record keeps in {@code _raw_record}. */
  static final int TOO_LARGE_PREFIX = 1024;

  /**
   * One record: its text, and the reason and detail when the reading itself already says what is
   * wrong with it (null when the text is for the event parser to judge).
   */
  public record Record(String text, String reason, String detail) {}

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          // The text is read on to its end after an error; the reader closes it then.
          .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
          .build();

  private final RecordingReader text;
  private final JsonParser parser;
  private final long maxRecordChars;
  private boolean inArray;
  private boolean finished;
  private Record next;

  public JsonRecords(Reader in, long maxRecordChars) {
    this.maxRecordChars = maxRecordChars;
    this.text = new RecordingReader(in, maxRecordChars);
    try {
      this.parser = FACTORY.createParser(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean hasNext() {
    if (next == null && !finished) {
      next = advance();
    }
    return next != null;
  }

  @Override
  public Record next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Record record = next;
    next = null;
    return record;
  }

  /** The next record, or null at the end; a storage or codec failure is thrown unchecked. */
  private Record advance() {
    try {
      while (true) {
        text.startRecordAt(parser.currentLocation().getCharOffset());
        JsonToken token = parser.nextToken();
        if (token == null) {
          return finish(null);
        }
        if (token == JsonToken.END_ARRAY && inArray) {
          inArray = false;
          continue;
        }
        if (token == JsonToken.START_ARRAY && !inArray) { // outside it, every token is top-level
          inArray = true;
          continue;
        }
        long start = parser.currentTokenLocation().getCharOffset();
        text.startRecordAt(start);
        parser.skipChildren();
        parser.finishToken(); // a string's text is otherwise read only when asked for
        long end = parser.currentLocation().getCharOffset();
        if (text.overflowed() || end - start > maxRecordChars) {
          return new Record(
              text.overflowed()
                  ? text.prefix()
                  : text.text(start, Math.min(end, start + TOO_LARGE_PREFIX)),
              EventParser.RECORD_TOO_LARGE,
              "record of "
                  + (end - start)
                  + " characters exceeds the limit of "
                  + maxRecordChars
                  + " bytes; _raw_record holds its first "
                  + TOO_LARGE_PREFIX);
        }
        return new Record(text.text(start, end), null, null);
      }
    } catch (JsonProcessingException broken) { // not JSON, truncated, or past Jackson's limits
      return brokenRest(broken);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rest of the file after the last good record, as one malformed record. */
  private Record brokenRest(JsonProcessingException broken) {
    String message = String.valueOf(broken.getOriginalMessage()).lines().findFirst().orElse("");
    String detail =
        "not JSON from here on: "
            + message
            + (broken.getLocation() == null
                ? ""
                : " (line "
                    + broken.getLocation().getLineNr()
                    + ", column "
                    + broken.getLocation().getColumnNr()
                    + ")");
    try {
      text.drain();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Record rest =
        text.overflowed()
            ? new Record(
                text.prefix(),
                EventParser.RECORD_TOO_LARGE,
                detail + "; the rest of the file exceeds the record limit")
            : new Record(text.rest().strip(), EventParser.MALFORMED_JSON, detail);
    return finish(rest);
  }

  /**
   * The text read since the last whole record (at most the limit plus one chunk): what a file that
   * cannot be read to its end still held after its last record.
   */
  public String unfinished() {
    return text.rest().strip();
  }

  private Record finish(Record last) {
    finished = true;
    try {
      parser.close();
      text.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return last;
  }

  /**
   * The file's characters as the parser pulls them, keeping those of the current record (from its
   * start on) so its exact text can be cut out, but never more than the limit plus the last chunk
   * read: past the limit only the record's first characters are kept.
   */
  private static final class RecordingReader extends Reader {
    private final Reader in;
    private final long maxRecordChars;
    private final StringBuilder kept = new StringBuilder();
    private long keptFrom; // the offset of kept's first character
    private long recordStart;
    private String prefix;

    RecordingReader(Reader in, long maxRecordChars) {
      this.in = in;
      this.maxRecordChars = maxRecordChars;
    }

    /** The current record starts here: earlier characters are no longer needed. */
    void startRecordAt(long offset) {
      recordStart = offset;
      prefix = null;
      if (offset > keptFrom) {
        int drop = (int) Math.min(kept.length(), offset - keptFrom);
        kept.delete(0, drop);
        keptFrom += drop;
      }
    }

    boolean overflowed() {
      return prefix != null;
    }

    String prefix() {
      return prefix;
    }

    String text(long start, long end) {
      return kept.substring((int) (start - keptFrom), (int) (end - keptFrom));
    }

    String rest() {
      return kept.substring((int) Math.max(0, recordStart - keptFrom));
    }

    /** Reads to the end, through the same keeping rule. */
    void drain() throws IOException {
      char[] buffer = new char[8192];
      while (read(buffer, 0, buffer.length) >= 0) {
        // kept (or counted past the limit) as it goes
      }
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
      long chunkStart = keptFrom + kept.length();
      int read = in.read(buffer, offset, length);
      if (read <= 0) {
        return read;
      }
      if (chunkStart == 0 && buffer[offset] == '\uFEFF') {
        buffer[offset] = ' '; // a byte-order mark, which Jackson takes from bytes but not chars
      }
      // The parser asks for more only once it has used every character before chunkStart, so a
      // record that began more than the limit earlier is too large whatever follows.
      if (chunkStart - recordStart > maxRecordChars) {
        if (prefix == null) {
          int from = (int) Math.max(0, recordStart - keptFrom);
          prefix = kept.substring(from, (int) Math.min(kept.length(), from + TOO_LARGE_PREFIX));
        }
        kept.setLength(0);
        keptFrom = chunkStart;
      }
      kept.append(buffer, offset, read);
      return read;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}

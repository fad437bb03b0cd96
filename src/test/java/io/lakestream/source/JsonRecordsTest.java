package io.lakestream.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakestream.source.JsonRecords.Record;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonRecordsTest {

  private static List<Record> split(String text, long limit) {
    return split(new StringReader(text), limit);
  }

  private static List<Record> split(Reader text, long limit) {
    List<Record> records = new ArrayList<>();
    new JsonRecords(text, limit).forEachRemaining(records::add);
    return records;
  }

  private static List<String> texts(List<Record> records) {
    return records.stream().map(Record::text).toList();
  }

  @Test
  void aPrettyPrintedArrayGivesEachObjectAsItStands() {
    String file = "[\n  {\n    \"id\": \"e1\",\n    \"n\": [1, 2]\n  },\n  {\"id\": \"e2\"}\n]\n";
    List<Record> records = split(file, 1 << 20);
    assertEquals(
        List.of("{\n    \"id\": \"e1\",\n    \"n\": [1, 2]\n  }", "{\"id\": \"e2\"}"),
        texts(records));
    assertTrue(records.stream().allMatch(record -> record.reason() == null));
  }

  @Test
  void objectsOneAfterAnotherOverManyLinesAreRecordsToo() {
    String file = "{\"id\":\"e1\",\n \"a\":1}\n{\"id\":\"e2\"}{\"id\":\"e3\"}\n";
    assertEquals(
        List.of("{\"id\":\"e1\",\n \"a\":1}", "{\"id\":\"e2\"}", "{\"id\":\"e3\"}"),
        texts(split(file, 1 << 20)));
  }

  @Test
  void anArrayElementThatIsNotAnObjectIsStillARecordForTheParserToRefuse() {
    List<Record> records = split("[{\"id\":\"e1\"}, 42, \"x\", [1], null]", 1 << 20);
    assertEquals(List.of("{\"id\":\"e1\"}", "42", "\"x\"", "[1]", "null"), texts(records));
    assertTrue(records.stream().allMatch(record -> record.reason() == null));
  }

  @Test
  void anEmptyArrayOrAnEmptyFileHoldsNoRecord() {
    assertEquals(List.of(), split("[ ]\n", 1 << 20));
    assertEquals(List.of(), split("", 1 << 20));
    assertEquals(List.of(), split("  \n", 1 << 20));
  }

  @Test
  void aTruncatedFileKeepsItsRecordsAndTheRestIsOneMalformedRecord() {
    List<Record> records = split("[{\"id\":\"e1\"},\n {\"id\":\"e2\"},\n {\"id\":\"e", 1 << 20);
    assertEquals(3, records.size());
    assertEquals(List.of("{\"id\":\"e1\"}", "{\"id\":\"e2\"}"), texts(records.subList(0, 2)));
    Record rest = records.get(2);
    assertEquals("{\"id\":\"e", rest.text());
    assertEquals("malformed_json", rest.reason());
    assertTrue(rest.detail().startsWith("not JSON from here on: "), rest.detail());
    assertTrue(rest.detail().contains("line 3"), rest.detail());
  }

  @Test
  void anArrayNeverClosedIsReportedEvenWhenEveryRecordInItIsWhole() {
    List<Record> records = split("[{\"id\":\"e1\"},", 1 << 20);
    assertEquals(2, records.size());
    assertEquals("{\"id\":\"e1\"}", records.get(0).text());
    assertEquals("malformed_json", records.get(1).reason());
    assertEquals(",", records.get(1).text());
  }

  @Test
  void textThatIsNotJsonInTheMiddleTakesTheRestOfTheFileWithIt() {
    List<Record> records = split("{\"id\":\"e1\"}\nnot json\n{\"id\":\"e2\"}\n", 1 << 20);
    assertEquals(2, records.size());
    assertEquals("{\"id\":\"e1\"}", records.get(0).text());
    assertEquals("not json\n{\"id\":\"e2\"}", records.get(1).text());
    assertEquals("malformed_json", records.get(1).reason());
  }

  @Test
  void aRecordOverTheLimitIsSkippedAsItStreamsPastAndTheNextOnesAreKept() {
    String big = "{\"id\":\"big\",\"pad\":\"" + "x".repeat(200_000) + "\"}";
    String file = "[{\"id\":\"e1\"},\n" + big + ",\n{\"id\":\"e2\"}]";
    List<Record> records = split(file, 1000);
    assertEquals(3, records.size());
    assertEquals("{\"id\":\"e1\"}", records.get(0).text());
    assertEquals("record_too_large", records.get(1).reason());
    assertEquals(big.substring(0, JsonRecords.TOO_LARGE_PREFIX), records.get(1).text());
    assertTrue(
        records.get(1).detail().startsWith("record of " + big.length() + " characters"),
        records.get(1).detail());
    assertEquals("{\"id\":\"e2\"}", records.get(2).text());
    assertNull(records.get(2).reason());
  }

  @Test
  void aRecordJustOverTheLimitIsTooLargeAndOneAtTheLimitIsNot() {
    String atLimit = "{\"p\":\"" + "x".repeat(10) + "\"}"; // 18 characters
    List<Record> records = split(atLimit + atLimit.replace("}", " }"), 18);
    assertNull(records.get(0).reason());
    assertEquals("record_too_large", records.get(1).reason());
  }

  @Test
  void recordsComeOutExactWhenTheTextArrivesOneCharacterAtATime() {
    String file = "\uFEFF[{\"id\":\"e1\",\"s\":\"a}b\"},\n{\"id\":\"e2\"}]";
    Reader trickle =
        new Reader() {
          private final StringReader in = new StringReader(file);

          @Override
          public int read(char[] buffer, int offset, int length) throws java.io.IOException {
            return in.read(buffer, offset, Math.min(1, length));
          }

          @Override
          public void close() {}
        };
    assertEquals(
        List.of("{\"id\":\"e1\",\"s\":\"a}b\"}", "{\"id\":\"e2\"}"), texts(split(trickle, 30)));
  }
}

package io.lakestream.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.config.NestedValues;
import io.lakestream.fs.StateFile;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The fields {@code ingest.schema_evolution=add_new_columns} added to the event contract, kept
 * beside the bronze checkpoint in {@code <checkpoint>/lakestream-schema/}: one readable JSON file
 * per change ({@code 1.json}, {@code 2.json}, ...), each holding every field added so far (name,
 * type, the batch and file that first carried it) and the whole contract as DDL. The latest file is
 * the contract's current extension; every run reads it at start-up. It lives and dies with the
 * checkpoint, as the batches it describes do.
 *
 * <p>With {@code ingest.schema=infer}, {@code 0.json} holds the contract inferred from the first
 * files, which every later run reads instead of inferring again; the added fields widen it.
 */
public final class ContractHistory implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  /** A field added to the contract. */
  public record AddedField(String name, DataType type, long batchId, String firstFile) {

    StructField asField() {
      return new StructField(name, type, true, org.apache.spark.sql.types.Metadata.empty());
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VERSION_FILE = Pattern.compile("(\\d+)\\.json");

  /**
   * A name Delta takes as a column without column mapping, and not one of lakestream's own (they
   * start with _).
   */
  private static final Pattern COLUMN_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,127}");

  private final Path folder;

  public ContractHistory(String bronzeCheckpoint) {
    this.folder = new Path(bronzeCheckpoint, "lakestream-schema");
  }

  public String location() {
    return folder.toString();
  }

  /** The inferred contract, if one was stored. */
  public java.util.Optional<StructType> inferred(Configuration hadoopConf) {
    try {
      FileSystem fs = folder.getFileSystem(hadoopConf);
      try (InputStream in = fs.open(new Path(folder, "0.json"))) {
        return java.util.Optional.of(
            StructType.fromDDL(JSON.readTree(in).get("contract").asText()));
      } catch (FileNotFoundException e) {
        return java.util.Optional.empty();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the inferred event contract in " + folder, e);
    }
  }

  /** Stores the inferred contract ({@code 0.json}), with what it was inferred from. */
  public void storeInferred(
      Configuration hadoopConf, StructType contract, List<String> files, long bytes) {
    try {
      FileSystem fs = folder.getFileSystem(hadoopConf);
      ObjectNode root = JSON.createObjectNode();
      root.put("version", 0);
      root.put("contract", contract.toDDL());
      root.put("inferred_from_files", files.size());
      root.put("inferred_from_bytes", bytes);
      ArrayNode sampled = root.putArray("files");
      files.forEach(sampled::add);
      fs.mkdirs(folder);
      StateFile.write(
          fs,
          new Path(folder, "0.json"),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot store the inferred event contract in " + folder, e);
    }
  }

  /** The fields added so far, oldest first; empty when none were. */
  public List<AddedField> added(Configuration hadoopConf) {
    try {
      FileSystem fs = folder.getFileSystem(hadoopConf);
      long latest = latestVersion(fs);
      if (latest == 0) {
        return List.of();
      }
      JsonNode root;
      try (InputStream in = fs.open(new Path(folder, latest + ".json"))) {
        root = JSON.readTree(in);
      }
      List<AddedField> fields = new ArrayList<>();
      for (JsonNode field : root.get("added")) {
        fields.add(
            new AddedField(
                field.get("name").asText(),
                DataType.fromDDL(field.get("type").asText()),
                field.get("batch").asLong(),
                field.get("first_file").asText()));
      }
      return fields;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the event contract's added fields in " + folder, e);
    }
  }

  /** The contract widened by the added fields it does not hold yet (by name, whatever the case). */
  public static StructType widen(StructType contract, List<AddedField> added) {
    Set<String> names = lowerCaseNames(contract);
    StructType widened = contract;
    for (AddedField field : added) {
      if (names.add(field.name().toLowerCase(Locale.ROOT))) {
        widened = widened.add(field.asField());
      }
    }
    return widened;
  }

  /**
   * Saves the next version with {@code newFields} added; fields already recorded are left out (a
   * replayed batch finds the same ones). Returns the fields this call added.
   */
  public List<AddedField> record(
      Configuration hadoopConf, StructType contract, List<AddedField> newFields) {
    try {
      FileSystem fs = folder.getFileSystem(hadoopConf);
      List<AddedField> all = new ArrayList<>(added(hadoopConf));
      Set<String> known = lowerCaseNames(widen(contract, all));
      List<AddedField> fresh = new ArrayList<>();
      for (AddedField field : newFields) {
        if (known.add(field.name().toLowerCase(Locale.ROOT))) {
          fresh.add(field);
        }
      }
      if (fresh.isEmpty()) {
        return List.of();
      }
      all.addAll(fresh);
      long version = latestVersion(fs) + 1;
      ObjectNode root = JSON.createObjectNode();
      root.put("version", version);
      ArrayNode fields = root.putArray("added");
      for (AddedField field : all) {
        ObjectNode node = fields.addObject();
        node.put("name", field.name());
        node.put("type", field.type().sql());
        node.put("batch", field.batchId());
        node.put("first_file", field.firstFile());
      }
      root.put("contract", widen(contract, all).toDDL());
      fs.mkdirs(folder);
      StateFile.write(
          fs,
          new Path(folder, version + ".json"),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
      return fresh;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot record the event contract's new fields in " + folder, e);
    }
  }

  private long latestVersion(FileSystem fs) throws IOException {
    long latest = 0;
    try {
      for (FileStatus status : fs.listStatus(folder)) {
        var match = VERSION_FILE.matcher(status.getPath().getName());
        if (match.matches()) {
          latest = Math.max(latest, Long.parseLong(match.group(1)));
        }
      }
    } catch (FileNotFoundException e) {
      return 0;
    }
    return latest;
  }

  /** What {@link #infer} found: the fields to add, and the names left rescued with the reason. */
  public record Findings(List<AddedField> fields, Map<String, String> leftRescued) {}

  /**
   * The new fields in a batch's rescued data ({@code _rescued_data}, {@code _source_file} rows),
   * typed from their values by {@link JsonFieldTypes} (the rules {@code ingest.schema=infer} uses
   * too). A field seen only as null is not added yet (its type is unknown): it stays rescued until
   * a value arrives. A name that is not a plain column name, or is taken (case-insensitive) by a
   * column of the tables, stays rescued too.
   *
   * @param contract the contract the batch is read with now: a field it holds was rescued by a
   *     replayed batch's first attempt, under the older contract, and is passed over in silence
   * @param taken lower-case names of every column of bronze_events and silver_events
   */
  public static Findings infer(
      List<Row> rescued, StructType contract, Set<String> taken, long batchId) {
    return infer(rescued, contract, taken, batchId, NestedValues.STRING);
  }

  /**
   * @param nested with VARIANT, a field holding objects or arrays is added as VARIANT
   */
  public static Findings infer(
      List<Row> rescued,
      StructType contract,
      Set<String> taken,
      long batchId,
      NestedValues nested) {
    Set<String> inContract = Set.of(contract.fieldNames());
    Map<String, DataType> types = new LinkedHashMap<>();
    Map<String, String> firstFile = new LinkedHashMap<>();
    Map<String, String> leftRescued = new LinkedHashMap<>();
    for (Row row : rescued) {
      JsonNode object;
      try {
        object = JSON.readTree(row.getString(0));
      } catch (IOException e) {
        // lakestream writes _rescued_data; a line it could not parse is quarantined, not rescued.
        continue;
      }
      for (var it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String name = field.getKey();
        if (inContract.contains(name)) {
          continue;
        }
        if (!isPlainColumnName(name)) {
          leftRescued.putIfAbsent(
              name, "not a plain column name (letters, digits and _, starting with a letter)");
          continue;
        }
        if (taken.contains(name.toLowerCase(Locale.ROOT))) {
          leftRescued.putIfAbsent(name, "a column of that name exists already (case-insensitive)");
          continue;
        }
        DataType type = JsonFieldTypes.typeOf(field.getValue(), nested);
        if (type == null) {
          continue;
        }
        firstFile.putIfAbsent(name, row.getString(1));
        types.merge(name, type, JsonFieldTypes::wider);
      }
    }
    List<AddedField> fields = new ArrayList<>();
    types.forEach(
        (name, type) -> fields.add(new AddedField(name, type, batchId, firstFile.get(name))));
    return new Findings(fields, leftRescued);
  }

  /**
   * A name lakestream makes a column of: letters, digits and _, starting with a letter (no column
   * mapping needed).
   */
  public static boolean isPlainColumnName(String name) {
    return COLUMN_NAME.matcher(name).matches();
  }

  private static Set<String> lowerCaseNames(StructType schema) {
    Set<String> names = new java.util.HashSet<>();
    for (String name : schema.fieldNames()) {
      names.add(name.toLowerCase(Locale.ROOT));
    }
    return names;
  }
}

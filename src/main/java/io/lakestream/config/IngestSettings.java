package io.lakestream.config;

import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.spark.sql.types.StructType;

/**
 * How the JSON ingest reads the landing folder. At most one of the two rate limits is set. Lines
 * longer than {@code maxRecordBytes} are not parsed; fields outside the schema are kept as JSON
 * when {@code rescueUnknownFields} (false when {@code schemaEvolution} is NONE). A file back under
 * an ingested name is read again only if {@code allowOverwrites}.
 *
 * <p>With {@code inferSchema} (ingest.schema=infer), {@code eventSchema} is the part known before
 * any file is read: the pipeline's fields and {@code schemaHints}; the run infers the rest once and
 * stores it (see the app's Pipeline).
 */
public record IngestSettings(
    StructType eventSchema,
    OptionalInt maxFilesPerTrigger,
    OptionalLong maxBytesPerTrigger,
    long maxRecordBytes,
    boolean rescueUnknownFields,
    boolean allowOverwrites,
    SchemaEvolution schemaEvolution,
    boolean inferSchema,
    StructType schemaHints) {}

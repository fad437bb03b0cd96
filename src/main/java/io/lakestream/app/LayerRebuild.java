package io.lakestream.app;

import io.lakestream.config.CatalogSettings;
import io.lakestream.config.LakestreamConfig;
import io.lakestream.fs.HadoopFiles;
import io.lakestream.table.DeltaTables;
import io.lakestream.table.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakestream rebuild silver|gold}: resets a layer and the layers after it, so that the next
 * run derives them anew from the table before them, which holds every row. The way out when a layer
 * cannot read on where it stopped (its upstream history was deleted by retention). Each query's
 * table and checkpoint go; a new reader of a table whose log no longer starts at version 0 reads
 * the table's current snapshot, i.e. all of its rows. Run under the run lock, between runs.
 */
final class LayerRebuild {

  /** The layers that can be rebuilt: each is derived from the one before it. */
  enum Layer {
    SILVER(
        List.of(
            Tables.SILVER_EVENTS,
            Tables.GOLD_EVENT_COUNTS,
            Tables.GOLD_EVENT_TYPE_TOTALS,
            Tables.GOLD_USER_SESSIONS)),
    GOLD(
        List.of(
            Tables.GOLD_EVENT_COUNTS, Tables.GOLD_EVENT_TYPE_TOTALS, Tables.GOLD_USER_SESSIONS));

    /** Each of these is a query's name and the name of the table it writes. */
    final List<String> queries;

    Layer(List<String> queries) {
      this.queries = queries;
    }

    static Layer parse(String word) {
      try {
        return valueOf(word.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.UsageException(
            "rebuild takes silver or gold (bronze holds what was read from files), not '"
                + word
                + "'");
      }
    }
  }

  private final SparkSession spark;
  private final LakestreamConfig config;
  private final DeltaTables tables;
  private final HadoopFiles files;

  LayerRebuild(SparkSession spark, LakestreamConfig config) {
    this.spark = spark;
    this.config = config;
    this.tables = new DeltaTables(spark, config.catalog(), config.volume());
    this.files = new HadoopFiles(spark);
  }

  /** Resets the layer and those after it; returns what it did, one line each. */
  String rebuild(Layer layer) {
    StringBuilder done = new StringBuilder();
    for (String query : layer.queries) {
      String location = tables.exists(query) ? tables.location(query) : null;
      spark.sql("DROP TABLE IF EXISTS " + tables.identifier(query));
      // Local catalog mode registers each table over its folder in the volume: dropping the name
      // leaves the files, which a new table of that name would take up again.
      if (location != null && config.catalog().mode() == CatalogSettings.Mode.LOCAL) {
        delete(location);
      }
      delete(config.volume().checkpointFor(query));
      done.append("lakestream: reset ").append(query).append(": table and checkpoint deleted\n");
    }
    done.append("lakestream: the next run rebuilds ")
        .append(String.join(", ", layer.queries))
        .append(" from ")
        .append(layer == Layer.SILVER ? "bronze_events" : "silver_events")
        .append('\n');
    return done.toString();
  }

  private void delete(String folder) {
    Path path = new Path(folder);
    try {
      FileSystem fs = files.fileSystemOf(path);
      fs.delete(path, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + folder, e);
    }
  }
}

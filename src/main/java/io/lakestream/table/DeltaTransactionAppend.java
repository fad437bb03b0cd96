package io.lakestream.table;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.SetTransaction;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * An append committed through Delta's transaction API with its {@code SetTransaction} action, but
 * without asking the table first which versions it holds: the commit Delta's own idempotent write
 * makes ({@code txnAppId}/{@code txnVersion}), minus its replay check.
 *
 * <p>That check is the costly part of a small commit: Delta 4.3 answers it from the table's whole
 * reconstructed state, a Spark job of about 0.4 s per commit. {@link BatchAppender} asks once and
 * then knows. These are Delta's internal classes, so this path runs only on the open-source Delta
 * it was checked against ({@link #VERIFIED_DELTA_VERSION}), and falls back for good on the first
 * sign of a different one.
 *
 * <p>Spark or Delta internals: listed with their gain, version check and fallback in {@code
 * src/docs/design.md} ("Internals of Spark and Delta").
 */
final class DeltaTransactionAppend {

  private static final Logger LOG = LoggerFactory.getLogger(DeltaTransactionAppend.class);

  /** The Delta release whose transaction API this class was written and tested against. */
  static final String VERIFIED_DELTA_VERSION = "4.3.1";

  private static final AtomicBoolean UNUSABLE = new AtomicBoolean(!runningOnVerifiedDelta());

  private DeltaTransactionAppend() {}

  /** Whether this JVM's Delta is the verified one and its internals have not failed to link. */
  static boolean usable() {
    return !UNUSABLE.get();
  }

  /** The Delta release on the classpath, or empty where it does not say (not open-source Delta). */
  static Optional<String> deltaVersion() {
    try {
      return Optional.of(io.delta.package$.MODULE$.VERSION());
    } catch (LinkageError e) {
      return Optional.empty();
    }
  }

  private static boolean runningOnVerifiedDelta() {
    Optional<String> version = deltaVersion();
    boolean verified = version.filter(VERIFIED_DELTA_VERSION::equals).isPresent();
    if (!verified) {
      LOG.info(
          "Delta {} is not {}: every idempotent append asks Delta whether it was committed before",
          version.orElse("(vendor build)"),
          VERIFIED_DELTA_VERSION);
    }
    return verified;
  }

  /**
   * The highest {@code txnVersion} the table records for {@code appId} (-1 for none), or empty when
   * the table cannot be reached this way.
   */
  static Optional<Long> recordedVersion(SparkSession spark, String table, String appId) {
    return withInternals(
        () -> {
          Optional<CatalogTable> catalogTable = catalogTable(spark, table);
          if (catalogTable.isEmpty()) {
            return Optional.empty();
          }
          DeltaLog log = DeltaLog.forTable(spark, catalogTable.get());
          Option<Object> recorded =
              log.update(false, Option.empty(), Option.apply(catalogTable.get()))
                  .transactions()
                  .get(appId);
          return Optional.of(recorded.isDefined() ? (Long) recorded.get() : -1L);
        });
  }

  /**
   * Appends {@code rows} as transaction {@code version} of {@code appId}, unchecked; false (and
   * nothing committed) when this path cannot take the write, which then goes through Delta's
   * public, checking writer.
   */
  static boolean append(Dataset<Row> rows, String table, String appId, long version) {
    return write(rows, table, appId, version, false).isPresent();
  }

  /**
   * As {@link #append}, counting the rows while they are written (the batch is computed once, not
   * cached and counted first): the rows committed, 0 when there were none (then nothing is
   * committed and the empty file Spark writes for an empty write is deleted), or empty when this
   * path cannot take the write (nothing written).
   */
  static OptionalLong appendCounted(Dataset<Row> rows, String table, String appId, long version) {
    return write(rows, table, appId, version, true);
  }

  private static OptionalLong write(
      Dataset<Row> rows, String table, String appId, long version, boolean counted) {
    return withInternals(
            () ->
                transactionFor(rows, table)
                    .map(
                        txn -> {
                          DeltaLog log = txn.deltaLog();
                          Observation observation = new Observation();
                          List<Action> actions =
                              writeFiles(txn, counted ? observed(rows, observation) : rows);
                          long rowCount =
                              counted
                                  ? rowsWritten(observation, actions, rows.sparkSession(), log)
                                  : -1;
                          if (rowCount == 0) {
                            deleteFiles(actions, log);
                            return OptionalLong.of(0);
                          }
                          actions.add(
                              new SetTransaction(
                                  appId, version, Option.apply(System.currentTimeMillis())));
                          txn.commit(
                              CollectionConverters.asScala(actions).toSeq(),
                              write(SaveMode.Append));
                          return OptionalLong.of(rowCount);
                        })
                    .or(() -> Optional.of(OptionalLong.empty())))
        .orElse(OptionalLong.empty());
  }

  /**
   * A transaction on the session catalog's table, or empty when this path cannot take {@code rows}:
   * Delta's writer reconciles other shapes (evolution, casts), this path takes only the table's own
   * columns, in its order.
   */
  private static Optional<OptimisticTransaction> transactionFor(Dataset<Row> rows, String table) {
    SparkSession spark = rows.sparkSession();
    Optional<CatalogTable> catalogTable = catalogTable(spark, table);
    if (catalogTable.isEmpty()) {
      return Optional.empty();
    }
    OptimisticTransaction txn =
        DeltaLog.forTable(spark, catalogTable.get())
            .startTransaction(Option.apply(catalogTable.get()), Option.empty());
    return sameColumns(rows.schema(), txn.metadata().schema())
        ? Optional.of(txn)
        : Optional.empty();
  }

  private static Dataset<Row> observed(Dataset<Row> rows, Observation observation) {
    return rows.observe(observation, count(lit(1)).as("rows"));
  }

  private static List<Action> writeFiles(OptimisticTransaction txn, Dataset<Row> rows) {
    List<Action> actions = new ArrayList<>();
    CollectionConverters.asJava(txn.writeFiles(rows)).forEach(actions::add);
    return actions;
  }

  /** What an unchecked overwrite committed: its rows, the table version, the files it added. */
  record Overwritten(long rows, long version, List<AddFile> files) {}

  /**
   * Replaces the table's rows with {@code rows} as transaction {@code txnVersion} of {@code appId},
   * unchecked, counting them while they are written. The files to remove are those {@code previous}
   * added when the table is still at the version it committed (one query owns the table: nothing
   * else changed it), else the table's own file list. Empty when this path cannot take the write
   * (nothing written).
   */
  static Optional<Overwritten> overwriteCounted(
      Dataset<Row> rows,
      String table,
      String appId,
      long txnVersion,
      Optional<Overwritten> previous) {
    return withInternals(
        () ->
            transactionFor(rows, table)
                .map(
                    txn -> {
                      DeltaLog log = txn.deltaLog();
                      // Whatever commits in between (a compaction, say) conflicts with this
                      // overwrite.
                      txn.readWholeTable();
                      List<AddFile> replaced =
                          previous
                              .filter(last -> last.version() == txn.readVersion())
                              .map(Overwritten::files)
                              .orElseGet(() -> CollectionConverters.asJava(txn.filterFiles()));
                      Observation observation = new Observation();
                      List<Action> written = writeFiles(txn, observed(rows, observation));
                      long rowCount = rowsWritten(observation, written, rows.sparkSession(), log);
                      if (rowCount == 0) {
                        // The one empty file Spark writes for an empty result: the table is just
                        // emptied.
                        deleteFiles(written, log);
                        written.clear();
                      }
                      List<Action> actions = new ArrayList<>(written);
                      long now = System.currentTimeMillis();
                      replaced.forEach(file -> actions.add(file.removeWithTimestamp(now, true)));
                      actions.add(new SetTransaction(appId, txnVersion, Option.apply(now)));
                      long version =
                          txn.commit(
                              CollectionConverters.asScala(actions).toSeq(),
                              write(SaveMode.Overwrite));
                      List<AddFile> added = written.stream().map(AddFile.class::cast).toList();
                      return new Overwritten(rowCount, version, added);
                    }));
  }

  private static DeltaOperations.Write write(SaveMode mode) {
    return new DeltaOperations.Write(
        mode,
        Option.empty(),
        Option.empty(),
        Option.empty(),
        Option.empty(),
        Option.empty(),
        Option.empty(),
        Option.empty(),
        Option.empty());
  }

  /**
   * The rows the write observed; Spark hands them over through its listener bus, normally within
   * milliseconds. Should they not come, the written files are read back and counted.
   */
  private static long rowsWritten(
      Observation observation, List<Action> files, SparkSession spark, DeltaLog log) {
    Optional<Row> observed = Observations.await(observation, "an append");
    if (observed.isPresent()) {
      return observed.get().getLong(0);
    }
    String[] paths = filePaths(files, log).toArray(String[]::new);
    return paths.length == 0 ? 0 : spark.read().parquet(paths).count();
  }

  private static List<String> filePaths(List<Action> actions, DeltaLog log) {
    return actions.stream()
        .filter(AddFile.class::isInstance)
        .map(action -> ((AddFile) action).absolutePath(log).toString())
        .toList();
  }

  /** Deletes files written for a commit that will not be made (an empty write's one file). */
  private static void deleteFiles(List<Action> actions, DeltaLog log) {
    for (String file : filePaths(actions, log)) {
      Path path = new Path(file);
      try {
        path.getFileSystem(log.newDeltaHadoopConf()).delete(path, false);
      } catch (java.io.IOException e) {
        // Never committed, so never read; VACUUM removes it after the retention period.
        LOG.warn("Could not delete the uncommitted file {}: {}", path, e.toString());
      }
    }
  }

  /**
   * Runs {@code call} unless the internals are known not to link; a link failure (a Delta whose
   * classes differ) happens before the commit is invoked, so nothing was committed and the public
   * writer can take the write.
   */
  private static <T> Optional<T> withInternals(java.util.function.Supplier<Optional<T>> call) {
    if (UNUSABLE.get()) {
      return Optional.empty();
    }
    try {
      return call.get();
    } catch (LinkageError e) {
      UNUSABLE.set(true);
      LOG.warn(
          "Delta's transaction API is not the one of Delta {}: idempotent appends go through Delta's"
              + " checking writer from now on ({})",
          VERIFIED_DELTA_VERSION,
          e.toString());
      return Optional.empty();
    }
  }

  /** The session catalog's table for a one- or two-part identifier; empty for anything else. */
  private static Optional<CatalogTable> catalogTable(SparkSession spark, String table) {
    try {
      TableIdentifier identifier = spark.sessionState().sqlParser().parseTableIdentifier(table);
      return Optional.of(spark.sessionState().catalog().getTableMetadata(identifier));
    } catch (Exception e) {
      // A three-part (catalog.schema.table) name, or no such table: Delta's writer says which.
      return Optional.empty();
    }
  }

  /** Same field names, order and types, nullability aside (Delta relaxes it on write anyway). */
  static boolean sameColumns(DataType written, DataType table) {
    if (written instanceof StructType w && table instanceof StructType t) {
      StructField[] wf = w.fields();
      StructField[] tf = t.fields();
      if (wf.length != tf.length) {
        return false;
      }
      for (int i = 0; i < wf.length; i++) {
        if (!wf[i].name().equals(tf[i].name())
            || !sameColumns(wf[i].dataType(), tf[i].dataType())) {
          return false;
        }
      }
      return true;
    }
    if (written instanceof ArrayType w && table instanceof ArrayType t) {
      return sameColumns(w.elementType(), t.elementType());
    }
    if (written instanceof MapType w && table instanceof MapType t) {
      return sameColumns(w.keyType(), t.keyType()) && sameColumns(w.valueType(), t.valueType());
    }
    return written.equals(table);
  }
}

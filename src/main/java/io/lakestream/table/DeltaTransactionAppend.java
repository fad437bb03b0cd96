package io.lakestream.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
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
    return withInternals(
            () -> {
              SparkSession spark = rows.sparkSession();
              Optional<CatalogTable> catalogTable = catalogTable(spark, table);
              if (catalogTable.isEmpty()) {
                return Optional.of(false);
              }
              DeltaLog log = DeltaLog.forTable(spark, catalogTable.get());
              OptimisticTransaction txn =
                  log.startTransaction(Option.apply(catalogTable.get()), Option.empty());
              // Delta's writer reconciles other shapes (evolution, casts); this path takes only
              // the table's own columns, in its order.
              if (!sameColumns(rows.schema(), txn.metadata().schema())) {
                return Optional.of(false);
              }
              List<Action> actions = new ArrayList<>();
              CollectionConverters.asJava(txn.writeFiles(rows)).forEach(actions::add);
              actions.add(
                  new SetTransaction(appId, version, Option.apply(System.currentTimeMillis())));
              txn.commit(
                  CollectionConverters.asScala(actions).toSeq(),
                  new DeltaOperations.Write(
                      SaveMode.Append,
                      Option.empty(),
                      Option.empty(),
                      Option.empty(),
                      Option.empty(),
                      Option.empty(),
                      Option.empty(),
                      Option.empty(),
                      Option.empty()));
              return Optional.of(true);
            })
        .orElse(false);
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

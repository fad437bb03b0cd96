package io.lakestream.fs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Before anything is created: can the volume's object store be reached with the settings given? S3A
 * retries a wrong endpoint or refused credentials for minutes by default; this asks once per store,
 * with short retries and timeouts, and says which setting to fix and what the store answered.
 */
public final class StoreCheck {

  /** Short retries for the one probe; the run itself keeps the user's settings. */
  private static final Map<String, String> PROBE_SETTINGS =
      Map.of(
          "fs.s3a.attempts.maximum", "1",
          "fs.s3a.retry.limit", "1",
          "fs.s3a.retry.interval", "200ms",
          "fs.s3a.retry.throttle.limit", "1",
          "fs.s3a.connection.establish.timeout", "5s",
          "fs.s3a.connection.timeout", "10s",
          "fs.s3a.connection.request.timeout", "15s",
          "fs.s3a.impl.disable.cache", "true");

  private StoreCheck() {}

  /**
   * The problem with the first unreachable S3 bucket among {@code folders} (each named by the
   * configuration key that set it), or empty when all answer. Folders on other file systems are not
   * probed.
   */
  public static Optional<String> problem(
      java.util.function.Supplier<Configuration> hadoopConfOf, Map<String, String> folders) {
    Map<String, String> buckets = new LinkedHashMap<>();
    folders.forEach(
        (key, folder) -> {
          Path path = new Path(folder);
          String scheme = path.toUri().getScheme();
          if (scheme != null && scheme.toLowerCase(Locale.ROOT).equals("s3a")) {
            buckets.putIfAbsent(path.toUri().getAuthority(), key + " = '" + folder + "'");
          }
        });
    if (buckets.isEmpty()) {
      return Optional.empty(); // nothing to ask, and no session state to reach (Databricks volumes)
    }
    Configuration hadoopConf = hadoopConfOf.get();
    Configuration probe = new Configuration(hadoopConf);
    PROBE_SETTINGS.forEach(probe::set);
    for (Map.Entry<String, String> bucket : buckets.entrySet()) {
      Path root = new Path("s3a://" + bucket.getKey() + "/");
      try (FileSystem fs = root.getFileSystem(probe)) {
        fs.listStatusIterator(root).hasNext();
      } catch (FileNotFoundException e) {
        return Optional.of(missingBucket(bucket.getKey(), bucket.getValue(), e));
      } catch (AccessDeniedException e) {
        return Optional.of(
            bucket.getValue()
                + ": the store refused the credentials ("
                + firstLine(e)
                + "). Fix spark.hadoop.fs.s3a.access.key / secret.key, or"
                + " spark.hadoop.fs.s3a.aws.credentials.provider and what it reads.");
      } catch (IOException | RuntimeException e) {
        // S3A's UnknownStoreException (no such bucket) is a PathIOException.
        if (e.getClass().getSimpleName().equals("UnknownStoreException")) {
          return Optional.of(missingBucket(bucket.getKey(), bucket.getValue(), e));
        }
        return Optional.of(
            bucket.getValue()
                + ": cannot reach the S3 store ("
                + firstLine(e)
                + "). Fix spark.hadoop.fs.s3a.endpoint (now '"
                + hadoopConf.get("fs.s3a.endpoint", "AWS's default for the region")
                + "'), spark.hadoop.fs.s3a.endpoint.region or the network.");
      }
    }
    return Optional.empty();
  }

  private static String missingBucket(String bucket, String setting, Exception e) {
    return setting
        + ": the store answers that bucket '"
        + bucket
        + "' does not exist ("
        + firstLine(e)
        + "). Allowed: a bucket these credentials can read and write.";
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }
}

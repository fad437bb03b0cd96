package io.lakestream.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Table maintenance and retention (maintain.*, archive.retention).
 *
 * @param autoCompact Delta auto compaction on every table: after a commit leaves enough small
 *     files, the writer compacts them in the same thread, so no other writer ever conflicts with it
 * @param checkpointInterval commits between two checkpoints of a table's Delta log
 *     (delta.checkpointInterval)
 * @param logRetention how long a table's Delta log keeps history (delta.logRetentionDuration)
 * @param fileRetention how long files a commit removed stay for time travel and slow readers before
 *     VACUUM deletes them (delta.deletedFileRetentionDuration)
 * @param transactionRetention how long an idempotent writer's id stays in the Delta log after its
 *     last write (delta.setTransactionRetentionDuration)
 * @param progressRetention pipeline_progress and audit_batches rows older than this are deleted by
 *     maintenance
 * @param archiveRetention archived files older than this are deleted by maintenance; empty keeps
 *     them
 * @param interval how often a long (processingTime) run maintains its tables in the background;
 *     empty: never
 */
public record MaintenanceSettings(
    boolean autoCompact,
    int checkpointInterval,
    Duration logRetention,
    Duration fileRetention,
    Duration transactionRetention,
    Optional<Duration> progressRetention,
    Optional<Duration> archiveRetention,
    Optional<Duration> interval) {

  /** The Delta table properties every lakestream table carries, from these settings. */
  public Map<String, String> tableProperties() {
    return Map.of(
        "delta.autoOptimize.autoCompact", String.valueOf(autoCompact),
        "delta.checkpointInterval", String.valueOf(checkpointInterval),
        "delta.logRetentionDuration", interval(logRetention),
        "delta.deletedFileRetentionDuration", interval(fileRetention),
        "delta.setTransactionRetentionDuration", interval(transactionRetention));
  }

  /** Delta's interval syntax, in the largest whole unit. */
  static String interval(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds == 0) {
      return "interval 0 seconds";
    } else if (seconds % 86_400 == 0) {
      return "interval " + seconds / 86_400 + " days";
    } else if (seconds % 3_600 == 0) {
      return "interval " + seconds / 3_600 + " hours";
    } else if (seconds % 60 == 0) {
      return "interval " + seconds / 60 + " minutes";
    }
    return "interval " + seconds + " seconds";
  }

  static MaintenanceSettings read(ConfigReader reader, ArchiveMode archiveMode) {
    Duration logRetention = reader.durationOrDefault(ConfigKeys.LOG_RETENTION);
    Duration fileRetention = reader.durationOrDefault(ConfigKeys.FILE_RETENTION);
    if (logRetention.compareTo(Duration.ofDays(1)) < 0) {
      // Delta cleans log files only at a checkpoint; shorter than a day mostly loses the history a
      // restart needs.
      reader.invalid(ConfigKeys.LOG_RETENTION, "shorter than 1d");
    } else if (logRetention.compareTo(fileRetention) < 0) {
      // Delta refuses such a table when it creates or alters it; say so before anything starts.
      reader.invalid(
          ConfigKeys.LOG_RETENTION,
          "shorter than maintain.file_retention ("
              + Durations.format(fileRetention)
              + "): Delta requires the log to keep at least as long as removed files");
    }
    Duration transactionRetention = reader.durationOrDefault(ConfigKeys.TRANSACTION_RETENTION);
    if (transactionRetention.compareTo(logRetention) < 0) {
      // A run restarted within the log's retention replays its last batch under its id: the id must
      // still be known.
      reader.invalid(
          ConfigKeys.TRANSACTION_RETENTION,
          "shorter than maintain.log_retention (" + Durations.format(logRetention) + ")");
    }
    Optional<Duration> interval = reader.durationOrOff(ConfigKeys.MAINTAIN_INTERVAL);
    if (interval.isPresent() && interval.get().compareTo(Duration.ofMinutes(1)) < 0) {
      reader.invalid(ConfigKeys.MAINTAIN_INTERVAL, "shorter than 1min");
    }
    Optional<Duration> archiveRetention = reader.durationOrOff(ConfigKeys.ARCHIVE_RETENTION);
    if (archiveRetention.isPresent() && archiveMode != ArchiveMode.MOVE) {
      reader.invalid(
          ConfigKeys.ARCHIVE_RETENTION, "there is no archive to clean unless archive.mode=move");
    }
    return new MaintenanceSettings(
        reader.boolOrDefault(ConfigKeys.AUTO_COMPACT),
        reader.positiveIntOrDefault(ConfigKeys.CHECKPOINT_INTERVAL),
        logRetention,
        fileRetention,
        transactionRetention,
        reader.durationOrOff(ConfigKeys.PROGRESS_RETENTION),
        archiveRetention,
        interval);
  }
}

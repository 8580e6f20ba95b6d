package io.marketlake.common.spark;

import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * {@code DeltaTable.createIfNotExists} that survives a create killed half-way. Delta makes the
 * {@code _delta_log} folder before it writes version 0; a writer killed between the two (kill -9,
 * a lost node) leaves a log with no commit in it, and every later {@code createIfNotExists} then
 * fails with DELTA_TABLE_NOT_FOUND (the folder says "a table", the log says "none"), on every
 * restart. Such a log holds no table, so it is removed first. Callers hold the job's writer
 * lease: no other writer is creating the same table at that moment.
 */
public final class DeltaCreate {
  private DeltaCreate() {}

  /** A builder for the table at {@code location}, after clearing a commit-less log there. */
  public static DeltaTableBuilder ifMissing(SparkSession spark, String location) {
    removeEmptyLog(spark, location);
    return DeltaTable.createIfNotExists(spark).location(location);
  }

  /**
   * Removes {@code LOCATION/_delta_log} if it holds no version (no {@code NNN….json}, checkpoint
   * or {@code _last_checkpoint}); says so in one line on stderr.
   *
   * @return whether a log was removed
   */
  static boolean removeEmptyLog(SparkSession spark, String location) {
    Path log = new Path(location, "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(spark.sessionState().newHadoopConf());
      FileStatus[] entries;
      try {
        entries = fs.listStatus(log);
      } catch (java.io.FileNotFoundException e) {
        return false;
      }
      boolean hasVersion = Arrays.stream(entries).map(s -> s.getPath().getName())
          .anyMatch(n -> n.matches("\\d{20}\\..*") || n.equals("_last_checkpoint"));
      if (hasVersion) return false;
      fs.delete(log, true);
      System.err.println("warning: removed " + log + ", a Delta log with no commit in it (a"
          + " create killed before its first commit); creating the table anew");
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + log + ": " + e.getMessage(), e);
    }
  }
}

package io.marketlake.common.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import scala.Option;

/**
 * What a Delta commit did, read from its own operation metrics ({@code numOutputRows},
 * {@code numTargetRowsInserted}, {@code executionTimeMs}, …): counting from the commit costs one
 * read of the log, not a second pass over the data.
 */
public final class DeltaCommits {
  private DeltaCommits() {}

  /**
   * A metric of one row of {@code DeltaTable.history()}, 0 when the commit has none. For the
   * caller's own last write, {@code table.history(1).first()}: one writer per table (the leases)
   * makes the newest commit its own.
   */
  public static long metric(Row commit, String metric) {
    java.util.Map<String, String> metrics =
        commit.getJavaMap(commit.fieldIndex("operationMetrics"));
    return Long.parseLong(metrics.getOrDefault(metric, "0"));
  }

  /**
   * The rows a MERGE changed, from the frame {@code DeltaMergeBuilder.execute()} returns: no read
   * of the log at all, and no question of whose commit is the newest.
   */
  public static MergeCounts merged(Dataset<Row> executed) {
    Row r = executed.first();
    return new MergeCounts(r.getAs("num_affected_rows"), r.getAs("num_updated_rows"),
        r.getAs("num_deleted_rows"), r.getAs("num_inserted_rows"));
  }

  /**
   * The newest version of the Delta table at {@code path}, from its log alone (a listing of
   * {@code _delta_log}, no Spark job); -1 when there is no table yet. What a reader compares to
   * know whether anything was committed since it last read.
   */
  public static long latestVersion(SparkSession spark, String path) {
    return DeltaLog.forTable(spark, path).update(false, Option.empty(), Option.empty()).version();
  }

  /** Target rows a MERGE updated, deleted and inserted; affected is their sum. */
  public record MergeCounts(long affected, long updated, long deleted, long inserted) {}
}

package io.marketlake.common.spark;

import org.apache.spark.sql.Row;

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
}

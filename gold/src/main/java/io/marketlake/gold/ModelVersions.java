package io.marketlake.gold;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Lakehouse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Model versions: who may use a version number, and which version is the newest one.
 *
 * <p>A train claims a version by creating the marker {@code models/price_trend/_versions/vN}
 * without overwrite, trying N = (highest version seen in {@code model_runs} or among the
 * markers) + 1, then N + 1, ... until a create succeeds; the marker holds the claiming run's id.
 * A claimed number is never reused, even when its train failed before committing. The model
 * itself goes to {@code vN-RUNID}, so no train can overwrite another's model directory,
 * whatever the store guarantees about the marker (create-if-absent is atomic on HDFS; on the
 * local file system and on S3A with Hadoop 3.4.1 it is check-then-create, which the train lease
 * serializes).
 *
 * <p>A version exists for readers only once its row is in {@code model_runs}: the train appends
 * that row last, after the model and its predictions, so it is the commit marker of a train.
 */
final class ModelVersions {
  static final String MARKERS = "_versions";

  /** A claimed version and the run that claimed it. */
  record Claim(int version, String runId) {
    /** Where this run's model is saved: unique per run, never shared with another train. */
    String modelPath(Lakehouse lakehouse) {
      return lakehouse.models() + "/v" + version + "-" + runId;
    }
  }

  private ModelVersions() {}

  /** Claims the next free version for a new run id. */
  static Claim claim(SparkSession spark, Lakehouse lakehouse) throws IOException {
    return claim(spark, lakehouse, UUID.randomUUID().toString());
  }

  static Claim claim(SparkSession spark, Lakehouse lakehouse, String runId) throws IOException {
    Path markers = new Path(lakehouse.models(), MARKERS);
    FileSystem fs = markers.getFileSystem(spark.sparkContext().hadoopConfiguration());
    int candidate = Math.max(newestCommitted(spark, lakehouse)
        .map(r -> r.<Integer>getAs("model_version")).orElse(0), highestMarker(fs, markers)) + 1;
    while (true) {
      try (FSDataOutputStream out = fs.create(new Path(markers, "v" + candidate), false)) {
        out.write(runId.getBytes(StandardCharsets.UTF_8));
        return new Claim(candidate, runId);
      } catch (FileAlreadyExistsException taken) {
        candidate++;
      }
    }
  }

  private static int highestMarker(FileSystem fs, Path markers) throws IOException {
    if (!fs.exists(markers)) return 0;
    int highest = 0;
    for (FileStatus s : fs.listStatus(markers)) {
      String name = s.getPath().getName();
      if (name.matches("v\\d+")) highest = Math.max(highest, Integer.parseInt(name.substring(1)));
    }
    return highest;
  }

  /**
   * The {@code model_runs} row of the newest committed model, or empty when none is. Every
   * reader of "the newest model" goes through here, so a train that failed before its commit is
   * never seen.
   */
  static Optional<Row> newestCommitted(SparkSession spark, Lakehouse lakehouse) {
    String runs = lakehouse.goldModelRuns();
    if (!DeltaTable.isDeltaTable(spark, runs)) return Optional.empty();
    return Optional.ofNullable(spark.read().format("delta").load(runs)
        .orderBy(col("model_version").desc()).limit(1).collectAsList().stream().findFirst()
        .orElse(null));
  }
}

package io.marketlake.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.marketlake.common.UsageException;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.common.spark.SparkLeases;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Bronze → silver candles, incrementally: a Delta streaming read of bronze (its checkpoint records
 * which bronze versions are done), and per micro-batch: parse, quality rules, quarantine,
 * deduplicate, MERGE; then the exchange's empty answers into {@code exchange_gaps}, and the
 * batch's minutes noted for the completeness ledger ({@link CompletenessLedger}), whose touched
 * days are written once per {@link SilverConfig#ledgerInterval} and when the run ends.
 *
 * <p>Quarantine and metrics appends are idempotent per micro-batch ({@code txnAppId}, {@code
 * txnVersion}), and the MERGE only ever replaces a row with a newer version, so a batch retried
 * after a crash leaves every table as one clean run would.
 */
public final class SilverJob {
  /** The streaming query's name, and its checkpoint's folder under the lakehouse. */
  public static final String QUERY = "silver_candles_1m";

  private final SilverConfig config;
  private final QualityCheck quality;
  private final CompletenessLedger ledger = new CompletenessLedger();
  private final String runId = UUID.randomUUID().toString();
  private final AtomicLong bronzeRows = new AtomicLong();
  private final AtomicLong otherKinds = new AtomicLong();
  private final AtomicLong emptyAnswers = new AtomicLong();
  private final AtomicLong ledgerDays = new AtomicLong();
  private final AtomicLong ledgerNanos = new AtomicLong();
  /**
   * When the ledger was last flushed ({@link System#nanoTime}). A running query's first batch
   * flushes, so the ledger shows up at once; an available-now run flushes when it ends.
   */
  private volatile long lastLedgerFlush;
  private final AtomicLong quarantined = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong warned = new AtomicLong();
  private final AtomicLong inserted = new AtomicLong();
  private final AtomicLong updated = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();

  public SilverJob(SilverConfig config) {
    this.config = config;
    this.quality = new QualityCheck(config.rules());
    this.lastLedgerFlush = config.trigger() == null ? System.nanoTime()
        : System.nanoTime() - Long.MAX_VALUE / 2;
  }

  /**
   * Runs until every bronze row present at the start has been processed (available-now), or until
   * the query is stopped (a processing-time trigger).
   */
  public SilverResult run(LayerContext ctx) throws Exception {
    return SparkLeases.hold(ctx, io.marketlake.common.lease.LeasedJob.SILVER,
        () -> runHoldingLease(ctx));
  }

  private SilverResult runHoldingLease(LayerContext ctx) throws Exception {
    long started = System.nanoTime();
    StreamingQuery query = start(ctx);
    try {
      query.awaitTermination();
    } catch (StreamingQueryException e) {
      // A failing quality rule is the user's business, not a crash: surface its own message.
      Throwable cause = e.getCause();
      while (cause != null && !(cause instanceof QualityFailure)) cause = cause.getCause();
      if (cause != null) throw (QualityFailure) cause;
      throw e;
    }
    flushLedger(ctx);
    return result(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /** What the query did so far. */
  public SilverResult result(long millis) {
    return new SilverResult(bronzeRows.get(), inserted.get(), updated.get(), quarantined.get(),
        dropped.get(), warned.get(), otherKinds.get(), emptyAnswers.get(), ledgerDays.get(),
        TimeUnit.NANOSECONDS.toMillis(ledgerNanos.get()), batches.get(), millis);
  }

  /** Creates the tables if missing and starts the query without waiting for it. */
  public StreamingQuery start(LayerContext ctx) throws Exception {
    SparkSession spark = ctx.spark();
    Lakehouse tables = ctx.tables();
    String bronze = tables.bronzeCandlesRaw();
    if (!io.delta.tables.DeltaTable.isDeltaTable(spark, bronze)) {
      throw new UsageException("No bronze table at " + bronze + ": run bronze first");
    }
    SilverTables.createIfMissing(spark, tables.silverCandles1m(), tables.silverQuarantine(),
        tables.silverQualityMetrics());
    SilverTables.createLedgerIfMissing(spark, tables.silverExchangeGaps(),
        tables.silverCompleteness());
    ledger.open(spark, tables);
    quality.validate(CandleParser.parse(spark.read().format("delta").load(bronze).limit(0)));

    // Bronze is append-only except for the retention DELETE of old days (maintenance): skip
    // those commits instead of failing on them. They add no rows, so nothing is skipped unread.
    DataStreamReader reader = spark.readStream().format("delta")
        .option("skipChangeCommits", "true");
    if (config.maxFilesPerTrigger() != null) {
      reader = reader.option("maxFilesPerTrigger", config.maxFilesPerTrigger());
    }
    return reader.load(bronze)
        .writeStream()
        .queryName(QUERY)
        .option("checkpointLocation", tables.checkpoint(QUERY))
        .trigger(config.trigger() == null ? Trigger.AvailableNow()
            : Trigger.ProcessingTime(config.trigger().toMillis()))
        .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, batchId) ->
            processBatch(tables, batch, batchId))
        .start();
  }

  /**
   * Bronze rows → silver's candle rows with silver's parsing and deduplication but no quality
   * rules, quarantine, ledger or MERGE: the bare Spark work benchmarks set silver next to.
   */
  public static Dataset<Row> parsedAndDeduplicated(Dataset<Row> bronze) {
    return CandleMerger.toSilverRows(CandleMerger.latestPerCandle(
        CandleParser.parse(bronze).filter(col("kind").equalTo("candle"))));
  }

  /** One micro-batch of bronze rows. */
  void processBatch(Lakehouse tables, Dataset<Row> bronzeBatch, long batchId) {
    SparkSession spark = bronzeBatch.sparkSession();
    // Spark sets the query id on the stream thread; a new checkpoint is a new id, so resetting
    // the checkpoint to reprocess bronze never collides with the old batch ids.
    String appId = "marketlake-silver-" + spark.sparkContext().getLocalProperty(
        "sql.streaming.queryId");
    // Snapshots and other kinds are not candles: they stay in bronze and are counted.
    Column isOtherKind = coalesce(
        col("_json_object").and(col("kind").notEqual("candle")), lit(false));
    // Checkpointed, not just cached: the MERGE re-plans its source, which bypasses a cache and
    // would parse and check every row a second time.
    Dataset<Row> evaluated = quality.evaluate(CandleParser.parse(bronzeBatch))
        .withColumn("other_kind", isOtherKind)
        .localCheckpoint(true);
    try {
      Dataset<Row> candidates = evaluated.filter(not(col("other_kind")));
      // Every count this batch needs, in one pass over the cached rows.
      QualityCheck.BatchCounts counts = quality.countBatch(evaluated);
      boolean failRuleFired = counts.rules().stream().anyMatch(
          c -> c.rule().action() == QualityRule.Action.FAIL && c.failed() > 0);
      if (failRuleFired) {
        // The batch's metrics say why the run stops; then it stops, nothing merged.
        appendMetrics(spark, tables, counts.rules(), batchId, appId);
        failOnFailRules(candidates, counts.rules());
      }

      if (counts.quarantined() > 0) {
        appendQuarantine(tables, candidates.filter(col("quarantined")), batchId,
            appId + "-quarantine");
      }
      Dataset<Row> accepted =
          candidates.filter(not(col("quarantined")).and(not(col("dropped"))));
      CandleMerger.MergeCounts merge = CandleMerger.merge(spark, tables.silverCandles1m(),
          CandleMerger.toSilverRows(CandleMerger.latestPerCandle(accepted)),
          counts.acceptedDays());
      // After the MERGE, not before: the candles are what someone waits for (a commit less on
      // the way to a fresh silver row). The append is idempotent per (query, batch), so a batch
      // replayed after a crash between the two writes records its metrics once.
      appendMetrics(spark, tables, counts.rules(), batchId, appId);
      long answers = recordEmptyAnswersAndLedger(spark, tables, evaluated, counts, batchId,
          appId);

      bronzeRows.addAndGet(counts.rows());
      otherKinds.addAndGet(counts.otherKinds() - answers);
      quarantined.addAndGet(counts.quarantined());
      dropped.addAndGet(counts.dropped());
      warned.addAndGet(counts.rules().stream()
          .filter(c -> c.rule().action() == QualityRule.Action.WARN)
          .mapToLong(QualityCheck.RuleCount::failed).sum());
      inserted.addAndGet(merge.inserted());
      updated.addAndGet(merge.updated());
      batches.incrementAndGet();
    } finally {
      evaluated.unpersist();
    }
  }

  /**
   * The exchange's {@code no_candles} answers of the batch into {@code exchange_gaps} (malformed
   * ones to quarantine), then the ledger for the days the batch touched.
   *
   * @return the number of {@code no_candles} rows in the batch
   */
  private long recordEmptyAnswersAndLedger(SparkSession spark, Lakehouse tables,
      Dataset<Row> evaluated, QualityCheck.BatchCounts counts, long batchId, String appId) {
    long started = System.nanoTime();
    long all = counts.answers();
    long valid = counts.validAnswers();
    if (all > valid) {
      appendQuarantine(tables, evaluated.filter(ExchangeGaps.isAnswer()
              .and(not(ExchangeGaps.isValidAnswer())))
          .withColumn("failed_rules", array(lit(ExchangeGaps.RULE))),
          batchId, appId + "-quarantine-answers");
      quarantined.addAndGet(all - valid);
    }
    if (valid > 0) {
      ExchangeGaps.merge(spark, tables.silverExchangeGaps(),
          ExchangeGaps.toGapRows(evaluated));
    }
    ledger.record(counts.minutes());
    emptyAnswers.addAndGet(valid);
    ledgerNanos.addAndGet(System.nanoTime() - started);
    if (System.nanoTime() - lastLedgerFlush >= config.ledgerInterval().toNanos()) {
      flushLedger(spark, tables);
    }
    return all;
  }

  /**
   * Writes the ledger rows of the days the batches since the last flush touched. Called by the
   * batches once per {@link SilverConfig#ledgerInterval} and when {@link #run} ends; a caller of
   * {@link #start} calls it after stopping the query.
   */
  public void flushLedger(LayerContext ctx) {
    flushLedger(ctx.spark(), ctx.tables());
  }

  private void flushLedger(SparkSession spark, Lakehouse tables) {
    long started = System.nanoTime();
    ledgerDays.addAndGet(ledger.flush(spark, tables));
    lastLedgerFlush = System.nanoTime();
    ledgerNanos.addAndGet(lastLedgerFlush - started);
  }

  /** Appends refused rows (with their {@code failed_rules}), once per batch and {@code txnAppId}. */
  private void appendQuarantine(Lakehouse tables, Dataset<Row> refused, long batchId,
      String txnAppId) {
    refused.select(col("failed_rules"), col("symbol"), col("open_time"), col("value"),
            col("key"), col("kafka_topic"), col("kafka_partition"), col("kafka_offset"),
            col("ingest_time"), lit(runId).as("run_id"), lit(batchId).as("batch_id"),
            current_timestamp().as("quarantined_at"))
        .write().format("delta").mode("append")
        .option("txnAppId", txnAppId).option("txnVersion", batchId)
        .save(tables.silverQuarantine());
  }

  private void appendMetrics(SparkSession spark, Lakehouse tables,
      List<QualityCheck.RuleCount> counts, long batchId, String appId) {
    List<Row> rows = new ArrayList<>();
    java.sql.Timestamp now = new java.sql.Timestamp(System.currentTimeMillis());
    for (QualityCheck.RuleCount c : counts) {
      rows.add(RowFactory.create(runId, batchId, "silver.candles_1m", c.rule().name(),
          c.rule().condition(), c.rule().action().json(), c.evaluated(), c.passed(), c.failed(),
          now));
    }
    spark.createDataFrame(rows, SilverTables.QUALITY_METRICS)
        .write().format("delta").mode("append")
        .option("txnAppId", appId + "-metrics").option("txnVersion", batchId)
        .save(tables.silverQualityMetrics());
  }

  private void failOnFailRules(Dataset<Row> evaluated, List<QualityCheck.RuleCount> counts) {
    for (QualityCheck.RuleCount c : counts) {
      if (c.rule().action() != QualityRule.Action.FAIL || c.failed() == 0) continue;
      Row sample = evaluated
          .filter(org.apache.spark.sql.functions.array_contains(col("failed_rules"),
              c.rule().name()))
          .select("value", "kafka_topic", "kafka_partition", "kafka_offset").first();
      throw new QualityFailure("Quality rule '" + c.rule().name() + "' (" + c.rule().condition()
          + ") failed for " + c.failed() + " row(s); e.g. " + sample.getString(0) + " at "
          + sample.getString(1) + "/" + sample.getInt(2) + "@" + sample.getLong(3));
    }
  }

  /** A {@code fail} rule stopped the run. */
  public static final class QualityFailure extends RuntimeException {
    QualityFailure(String message) {
      super(message);
    }
  }

  /**
   * What one run did. {@code emptyAnswers}: the exchange's {@code no_candles} answers recorded in
   * {@code exchange_gaps}; {@code ledgerDays}: (symbol, day) rows of the ledger written;
   * {@code ledgerMillis}: the part of {@code millis} spent on the empty answers and the ledger.
   */
  public record SilverResult(long bronzeRowsRead, long candlesInserted, long candlesUpdated,
      long quarantined,
      long dropped, long warnings, long otherKinds, long emptyAnswers, long ledgerDays,
      long ledgerMillis, long batches, long millis) {}
}

package io.marketlake.dashboard;

import java.util.List;

/**
 * What the dashboard shows, as the JSON its page reads (times are epoch milliseconds, UTC). The
 * server knows only this interface: {@link LakehouseData} reads it from the tables, tests give
 * literal rows.
 */
public interface DashboardData {
  /** The candle intervals the page offers and the table each is read from. */
  List<String> INTERVALS = List.of("1m", "5m", "1h");

  Overview overview() throws Exception;

  /** The symbol's newest {@code limit} candles of {@code interval} (one of {@link #INTERVALS}). */
  Candles candles(String symbol, String interval, int limit) throws Exception;

  /** The symbol's newest {@code limit} predictions of the newest model, with outcomes. */
  PredictionSeries predictions(String symbol, int limit) throws Exception;

  /** Symbols, freshness per layer, quality, models and the live hit rate. */
  record Overview(long generatedAt, List<String> symbols, List<Freshness> freshness,
      Quality quality, List<ModelRun> models, HitRate hitRate) {}

  /**
   * One layer's freshness.
   *
   * @param newest close of the newest row (a 1m candle, a complete 5m window, a predicted minute),
   *     exchange time; null while the table does not exist
   * @param committedAt the table's latest commit, wall time
   * @param lagSeconds from the newest close (mapped to wall time) to that commit
   */
  record Freshness(String layer, String table, Long newest, Long committedAt,
      Double lagSeconds) {}

  record Quality(long quarantinedRows, List<Reason> quarantineReasons,
      List<Completeness> completeness) {}

  record Reason(String reason, long rows) {}

  record Completeness(String symbol, long expectedMinutes, long presentMinutes,
      long missingMinutes, String percent, String detail) {}

  /** A {@code model_runs} row with its walk-forward metrics. */
  record ModelRun(int version, long trainedAt, Long dataFrom, Long dataTo, long trainRows,
      long testRows, Double testAuc, Double testAccuracy, Double testBalancedAccuracy,
      Double baselineMajorityAccuracy, Double baselineLastMoveAccuracy) {}

  /**
   * The newest model's record on its own predictions (all after its training data).
   *
   * @param graded predictions whose horizon has passed and whose move was not flat
   * @param rate hits over graded, null while none is graded
   */
  record HitRate(int modelVersion, long predictions, long graded, long hits, Double rate,
      Double baselineMajorityAccuracy, Double baselineLastMoveAccuracy) {}

  /** Candles as {@code [openTime, open, close, low, high, volume]}, oldest first. */
  record Candles(String symbol, String interval, List<double[]> candles) {}

  record PredictionSeries(String symbol, Integer horizonMinutes,
      List<PredictionPoint> predictions) {}

  /** A prediction; {@code actual} and {@code hit} are null while pending. */
  record PredictionPoint(long asOf, String direction, double probabilityUp, int modelVersion,
      String actual, Boolean hit) {}
}

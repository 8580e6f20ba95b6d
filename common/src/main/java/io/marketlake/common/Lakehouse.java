package io.marketlake.common;

/**
 * Table and checkpoint locations under one lakehouse root, e.g. {@code s3a://bucket/lakehouse}.
 * Every layer derives its paths from here, so a root is the only location a user has to give.
 */
public record Lakehouse(String root) {

  public Lakehouse {
    if (root == null || root.isBlank()) {
      throw new UsageException("No lakehouse location: pass --lakehouse s3a://BUCKET/PREFIX"
          + " (or --workdir DIR of a running local stack)");
    }
    while (root.endsWith("/")) root = root.substring(0, root.length() - 1);
    // Hadoop writes local paths as file:/x; Delta treats file:///x as a different location.
    if (root.startsWith("file:///")) root = "file:/" + root.substring("file:///".length());
  }

  public String bronzeCandlesRaw() { return root + "/bronze/market_data_raw"; }
  public String silverCandles1m() { return root + "/silver/candles_1m"; }
  public String silverQuarantine() { return root + "/silver/quarantine"; }
  public String silverQualityMetrics() { return root + "/silver/quality_metrics"; }
  public String silverExchangeGaps() { return root + "/silver/exchange_gaps"; }
  public String silverCompleteness() { return root + "/silver/completeness"; }
  public String goldCandles(String window) { return root + "/gold/candles_" + window; }
  public String goldCandles5mLive() { return root + "/gold/candles_5m_live"; }
  public String goldCandles5mLiveBatches() { return root + "/gold/candles_5m_live_batches"; }
  public String goldDailyChange() { return root + "/gold/daily_change"; }
  public String goldFeatures() { return root + "/gold/features"; }
  public String goldModelRuns() { return root + "/gold/model_runs"; }
  public String goldPredictions() { return root + "/gold/trend_predictions"; }
  public String models() { return root + "/models/price_trend"; }

  /** One table of the lakehouse: its name, location, and the columns queries filter on. */
  public record Table(String name, String path, java.util.List<String> clusterBy) {}

  /** Every table, in flow order. */
  public java.util.List<Table> tables() {
    return java.util.List.of(
        new Table("bronze.market_data_raw", bronzeCandlesRaw(), java.util.List.of("key")),
        new Table("silver.candles_1m", silverCandles1m(),
            java.util.List.of("symbol", "open_time")),
        new Table("silver.quarantine", silverQuarantine(), java.util.List.of()),
        new Table("silver.quality_metrics", silverQualityMetrics(), java.util.List.of()),
        new Table("silver.exchange_gaps", silverExchangeGaps(),
            java.util.List.of("symbol", "gap_start")),
        new Table("silver.completeness", silverCompleteness(), java.util.List.of("symbol", "day")),
        new Table("gold.candles_5m", goldCandles("5m"),
            java.util.List.of("symbol", "window_start")),
        new Table("gold.candles_1h", goldCandles("1h"),
            java.util.List.of("symbol", "window_start")),
        new Table("gold.candles_1d", goldCandles("1d"),
            java.util.List.of("symbol", "window_start")),
        new Table("gold.candles_5m_live", goldCandles5mLive(),
            java.util.List.of("symbol", "window_start")),
        new Table("gold.candles_5m_live_batches", goldCandles5mLiveBatches(), java.util.List.of()),
        new Table("gold.daily_change", goldDailyChange(), java.util.List.of()),
        new Table("gold.features", goldFeatures(), java.util.List.of("symbol", "open_time")),
        new Table("gold.model_runs", goldModelRuns(), java.util.List.of()),
        new Table("gold.trend_predictions", goldPredictions(),
            java.util.List.of("symbol", "as_of")));
  }

  /** Streaming checkpoints live beside the tables, on the same storage. */
  public String checkpoint(String query) { return root + "/_checkpoints/" + query; }

  /** Writer leases, one folder per job (docs/leases.md), on the same storage. */
  public String leases(String job) { return root + "/_leases/" + job; }
}

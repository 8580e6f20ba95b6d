-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Gold: rollups, daily change, features
-- MAGIC
-- MAGIC Written by the job's `gold` task (`io.marketlake.gold.GoldCommand`): 5m/1h/1d candles kept
-- MAGIC fresh from silver's change feed, the 24h change per symbol, and the model's feature table.

-- COMMAND ----------

CREATE WIDGET TEXT schema DEFAULT 'marketlake';
CREATE WIDGET TEXT symbol DEFAULT 'BTCUSDT';

-- COMMAND ----------

-- Last price and 24h change per symbol.
SELECT symbol, last_price, change_24h, round(change_24h_pct, 3) AS change_24h_pct,
       high_24h, low_24h, volume_24h, trades_24h, candles_24h
FROM IDENTIFIER(:schema || '.gold_daily_change')
ORDER BY change_24h_pct DESC;

-- COMMAND ----------

-- Hourly candles of one symbol (plot as a line chart of close over window_start).
SELECT window_start, open, high, low, close, volume, candle_count, complete
FROM IDENTIFIER(:schema || '.gold_candles_1h')
WHERE symbol = :symbol
ORDER BY window_start DESC
LIMIT 168;

-- COMMAND ----------

-- Daily candles of every symbol.
SELECT symbol, window_start, open, high, low, close, volume, complete
FROM IDENTIFIER(:schema || '.gold_candles_1d')
ORDER BY window_start DESC, symbol;

-- COMMAND ----------

-- Incomplete 5-minute windows (a minute missing in silver), newest first.
SELECT symbol, window_start, candle_count
FROM IDENTIFIER(:schema || '.gold_candles_5m')
WHERE NOT complete
ORDER BY window_start DESC
LIMIT 50;

-- COMMAND ----------

-- Features: label balance and the feature ranges per symbol.
SELECT symbol, count(*) AS rows, round(avg(label_up), 3) AS up_fraction,
       count_if(label_up IS NULL) AS unlabelled,
       round(avg(rsi_14), 2) AS avg_rsi_14, round(stddev(ret_1), 6) AS sd_ret_1,
       round(avg(volatility_30), 6) AS avg_volatility_30
FROM IDENTIFIER(:schema || '.gold_features')
GROUP BY symbol
ORDER BY symbol;

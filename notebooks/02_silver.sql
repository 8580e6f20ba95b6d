-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Silver: clean 1-minute candles, quarantine, quality metrics
-- MAGIC
-- MAGIC Written by the job's `silver` task (`io.marketlake.silver.SilverCommand`): bronze parsed,
-- MAGIC checked by the quality rules, deduplicated and MERGEd, one row per (symbol, interval, open_time).

-- COMMAND ----------

CREATE WIDGET TEXT schema DEFAULT 'marketlake';

-- COMMAND ----------

-- Candles per symbol and day; a complete UTC day has 1440.
SELECT symbol, open_date, count(*) AS candles, 1440 - count(*) AS missing_minutes,
       min(low) AS low, max(high) AS high, sum(volume) AS volume
FROM IDENTIFIER(:schema || '.silver_candles_1m')
GROUP BY symbol, open_date
ORDER BY open_date DESC, symbol;

-- COMMAND ----------

-- Gaps: minutes after which the next candle of the symbol is more than one minute later.
SELECT symbol, open_time AS gap_after, next_open_time,
       CAST((unix_millis(next_open_time) - unix_millis(open_time)) / 60000 - 1 AS INT) AS missing_minutes
FROM (
  SELECT symbol, open_time, lead(open_time) OVER (PARTITION BY symbol ORDER BY open_time) AS next_open_time
  FROM IDENTIFIER(:schema || '.silver_candles_1m')
)
WHERE next_open_time > open_time + INTERVAL 1 MINUTE
ORDER BY missing_minutes DESC
LIMIT 50;

-- COMMAND ----------

-- Completeness per symbol from the ledger: present of expected minutes (docs/completeness.md).
SELECT source, symbol, sum(expected_minutes) AS expected_minutes,
       sum(present_minutes) AS present_minutes, sum(exchange_none_minutes) AS exchange_none_minutes,
       sum(missing_minutes) AS missing_minutes,
       floor(10000 * sum(present_minutes) / greatest(sum(expected_minutes), 1)) / 100 AS pct_complete
FROM IDENTIFIER(:schema || '.silver_completeness')
GROUP BY source, symbol
ORDER BY source, symbol;

-- COMMAND ----------

-- Missing ranges of the ledger (UTC, end exclusive; split at midnight): what `marketlake gaps` lists.
SELECT source, symbol, day, r.start, r.end_exclusive,
       CAST((unix_millis(r.end_exclusive) - unix_millis(r.start)) / 60000 AS INT) AS minutes
FROM IDENTIFIER(:schema || '.silver_completeness')
LATERAL VIEW explode(missing_ranges) AS r
ORDER BY source, symbol, r.start
LIMIT 100;

-- COMMAND ----------

-- Why were rows refused? One row per failed rule.
SELECT rule, symbol, open_time, value, kafka_partition, kafka_offset, quarantined_at
FROM IDENTIFIER(:schema || '.silver_quarantine')
LATERAL VIEW explode(failed_rules) AS rule
ORDER BY quarantined_at DESC
LIMIT 50;

-- COMMAND ----------

-- Each quality rule over all runs.
SELECT rule, action, sum(rows_evaluated) AS evaluated, sum(rows_failed) AS failed,
       round(100 * sum(rows_failed) / greatest(sum(rows_evaluated), 1), 3) AS failed_pct
FROM IDENTIFIER(:schema || '.silver_quality_metrics')
GROUP BY rule, action
ORDER BY failed DESC, rule;

-- COMMAND ----------

-- The table's history: one MERGE per micro-batch, with its metrics.
DECLARE OR REPLACE VARIABLE ml_sql STRING;
SET VAR ml_sql = 'DESCRIBE HISTORY ' || :schema || '.silver_candles_1m';
EXECUTE IMMEDIATE ml_sql;

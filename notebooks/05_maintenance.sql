-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Maintenance: compaction, vacuum, bronze retention
-- MAGIC
-- MAGIC The same work as `marketlake maintenance` (`io.marketlake.maintenance.MaintenanceCommand`).
-- MAGIC Run it when the job is not running: one writer per table. On the S3 side, the bucket's
-- MAGIC lifecycle rules (infra/terraform) remove what VACUUM deleted after the retention you chose.

-- COMMAND ----------

CREATE WIDGET TEXT schema DEFAULT 'marketlake';
CREATE WIDGET TEXT bronze_retention_days DEFAULT '365';

-- COMMAND ----------

-- Compact small files, clustered by the columns queries filter on.
-- OPTIMIZE and VACUUM take no parameter markers: build each statement as a string, then run it.
DECLARE OR REPLACE VARIABLE ml_sql STRING;
SET VAR ml_sql = 'OPTIMIZE ' || :schema || '.silver_candles_1m ZORDER BY (symbol, open_time)';
EXECUTE IMMEDIATE ml_sql;
SET VAR ml_sql = 'OPTIMIZE ' || :schema || '.gold_candles_5m ZORDER BY (symbol, window_start)';
EXECUTE IMMEDIATE ml_sql;
SET VAR ml_sql = 'OPTIMIZE ' || :schema || '.gold_features ZORDER BY (symbol, open_time)';
EXECUTE IMMEDIATE ml_sql;

-- COMMAND ----------

-- Bronze retention: rows that arrived more than bronze_retention_days ago. Silver has long read
-- them; the files go at the next VACUUM, their S3 versions after the bucket's retention. Silver
-- streams bronze with skipChangeCommits, so it skips this DELETE's commit instead of failing on it
-- (the same as `marketlake maintenance --bronze-retention-days N`).
DELETE FROM IDENTIFIER(:schema || '.bronze_market_data_raw')
WHERE ingest_date < date_sub(current_date(), CAST(:bronze_retention_days AS INT));

-- COMMAND ----------

-- Remove files no version of the last 7 days (Delta's default retention) refers to.
SET VAR ml_sql = 'VACUUM ' || :schema || '.bronze_market_data_raw';
EXECUTE IMMEDIATE ml_sql;
SET VAR ml_sql = 'VACUUM ' || :schema || '.silver_candles_1m';
EXECUTE IMMEDIATE ml_sql;

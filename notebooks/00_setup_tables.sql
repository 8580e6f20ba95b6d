-- Databricks notebook source
-- MAGIC %md
-- MAGIC # marketlake: register the lakehouse tables
-- MAGIC
-- MAGIC Registers every marketlake Delta table as an external table of the schema `schema`, over the
-- MAGIC locations the jobs write under `lakehouse` (the `lakehouse_uri` output of `infra/terraform`, i.e.
-- MAGIC the jobs' `--lakehouse`). Run it once after the job's first successful run (a table exists only
-- MAGIC once its layer has written it); it changes no data and may be re-run.
-- MAGIC
-- MAGIC * Hive metastore with instance-profile access: `lakehouse` = `s3a://BUCKET/lakehouse` as is.
-- MAGIC * Unity Catalog: `schema` = `CATALOG.marketlake`, `lakehouse` = `s3://BUCKET/lakehouse` (Unity
-- MAGIC   Catalog accepts `s3://` only), and an external location covering it.
-- MAGIC
-- MAGIC The other notebooks read the tables by these names.

-- COMMAND ----------

CREATE WIDGET TEXT lakehouse DEFAULT 's3a://CHANGE-ME-marketlake-bucket/lakehouse';
CREATE WIDGET TEXT schema DEFAULT 'marketlake';

-- COMMAND ----------

CREATE SCHEMA IF NOT EXISTS IDENTIFIER(:schema)
COMMENT 'marketlake medallion tables: bronze (raw Kafka), silver (clean 1m candles), gold (rollups, features, model)';

-- COMMAND ----------

-- DDL takes no parameter markers: build each statement as a string, then run it.
DECLARE OR REPLACE VARIABLE ml_ddl STRING;

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Bronze and silver

-- COMMAND ----------

SET VAR ml_ddl = "CREATE TABLE IF NOT EXISTS " || :schema || ".bronze_market_data_raw USING DELTA LOCATION '" || :lakehouse || "/bronze/market_data_raw'";
EXECUTE IMMEDIATE ml_ddl;
SET VAR ml_ddl = "CREATE TABLE IF NOT EXISTS " || :schema || ".silver_candles_1m USING DELTA LOCATION '" || :lakehouse || "/silver/candles_1m'";
EXECUTE IMMEDIATE ml_ddl;
SET VAR ml_ddl = "CREATE TABLE IF NOT EXISTS " || :schema || ".silver_quarantine USING DELTA LOCATION '" || :lakehouse || "/silver/quarantine'";
EXECUTE IMMEDIATE ml_ddl;
SET VAR ml_ddl = "CREATE TABLE IF NOT EXISTS " || :schema || ".silver_quality_metrics USING DELTA LOCATION '" || :lakehouse || "/silver/quality_metrics'";
EXECUTE IMMEDIATE ml_ddl;
SET VAR ml_ddl = "CREATE TABLE IF NOT EXISTS " || :schema || ".silver_exchange_gaps USING DELTA LOCATION '" || :lakehouse || "/silver/exchange_gaps'";
EXECUTE IMMEDIATE ml_ddl;
SET VAR ml_ddl = "CREATE TABLE IF NOT EXISTS " || :schema || ".silver_completeness USING DELTA LOCATION '" || :lakehouse || "/silver/completeness'";
EXECUTE IMMEDIATE ml_ddl;

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Gold and the model

-- COMMAND ----------

SET VAR ml_ddl = "CREATE TABLE IF NOT EXISTS " || :schema || ".gold_candles_5m USING DELTA LOCATION '" || :lakehouse || "/gold/candles_5m'";
EXECUTE IMMEDIATE ml_ddl;
SET VAR ml_ddl = "CREATE TABLE IF NOT EXISTS " || :schema || ".gold_candles_1h USING DELTA LOCATION '" || :lakehouse || "/gold/candles_1h'";
EXECUTE IMMEDIATE ml_ddl;
SET VAR ml_ddl = "CREATE TABLE IF NOT EXISTS " || :schema || ".gold_candles_1d USING DELTA LOCATION '" || :lakehouse || "/gold/candles_1d'";
EXECUTE IMMEDIATE ml_ddl;
SET VAR ml_ddl = "CREATE TABLE IF NOT EXISTS " || :schema || ".gold_daily_change USING DELTA LOCATION '" || :lakehouse || "/gold/daily_change'";
EXECUTE IMMEDIATE ml_ddl;
SET VAR ml_ddl = "CREATE TABLE IF NOT EXISTS " || :schema || ".gold_features USING DELTA LOCATION '" || :lakehouse || "/gold/features'";
EXECUTE IMMEDIATE ml_ddl;
SET VAR ml_ddl = "CREATE TABLE IF NOT EXISTS " || :schema || ".gold_model_runs USING DELTA LOCATION '" || :lakehouse || "/gold/model_runs'";
EXECUTE IMMEDIATE ml_ddl;
SET VAR ml_ddl = "CREATE TABLE IF NOT EXISTS " || :schema || ".gold_trend_predictions USING DELTA LOCATION '" || :lakehouse || "/gold/trend_predictions'";
EXECUTE IMMEDIATE ml_ddl;

-- COMMAND ----------

SHOW TABLES IN IDENTIFIER(:schema);

-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Bronze: the raw Kafka records
-- MAGIC
-- MAGIC `bronze_market_data_raw` holds every Kafka record as it arrived: key and value as text, the
-- MAGIC Kafka coordinates, headers, and when it reached the lakehouse. Written by the job's `bronze`
-- MAGIC task (`io.marketlake.bronze.BronzeCommand`). Run `00_setup_tables` first.

-- COMMAND ----------

CREATE WIDGET TEXT schema DEFAULT 'marketlake';

-- COMMAND ----------

-- Rows per day of arrival and how far the topic has been read.
SELECT ingest_date, count(*) AS records, count(DISTINCT key) AS symbols,
       min(kafka_timestamp) AS first_kafka_time, max(kafka_timestamp) AS last_kafka_time
FROM IDENTIFIER(:schema || '.bronze_market_data_raw')
GROUP BY ingest_date
ORDER BY ingest_date DESC;

-- COMMAND ----------

-- The last offset read per partition: compare with the topic's end offsets to see the lag.
SELECT topic, `partition`, max(`offset`) AS last_offset, count(*) AS records
FROM IDENTIFIER(:schema || '.bronze_market_data_raw')
GROUP BY topic, `partition`
ORDER BY topic, `partition`;

-- COMMAND ----------

-- Exactly once: every Kafka record is in bronze once (expect no rows).
SELECT topic, `partition`, `offset`, count(*) AS copies
FROM IDENTIFIER(:schema || '.bronze_market_data_raw')
GROUP BY topic, `partition`, `offset`
HAVING count(*) > 1;

-- COMMAND ----------

-- The newest raw payloads, as the exchange sent them.
SELECT key, value, headers, ingest_time
FROM IDENTIFIER(:schema || '.bronze_market_data_raw')
ORDER BY ingest_time DESC, `offset` DESC
LIMIT 20;

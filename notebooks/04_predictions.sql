-- Databricks notebook source
-- MAGIC %md
-- MAGIC # The price-trend model and its predictions
-- MAGIC
-- MAGIC Written by the job's `train` task (`io.marketlake.gold.TrainCommand`). Every model version's
-- MAGIC walk-forward test metrics sit next to two baselines; on random-walk-like prices an AUC near
-- MAGIC 0.5 is the honest answer.

-- COMMAND ----------

CREATE WIDGET TEXT schema DEFAULT 'marketlake';

-- COMMAND ----------

-- Every model version: test metrics against the baselines.
SELECT model_version, trained_at, horizon_minutes, folds, train_rows, test_rows,
       round(test_auc, 3) AS auc, round(test_accuracy, 3) AS accuracy,
       round(test_balanced_accuracy, 3) AS balanced_accuracy,
       round(baseline_majority_accuracy, 3) AS baseline_majority,
       round(baseline_last_move_accuracy, 3) AS baseline_last_move,
       round(test_accuracy - greatest(baseline_majority_accuracy, baseline_last_move_accuracy), 3) AS edge_over_best_baseline
FROM IDENTIFIER(:schema || '.gold_model_runs')
ORDER BY model_version DESC;

-- COMMAND ----------

-- The newest model's latest prediction per symbol, with its test AUC.
WITH newest AS (
  SELECT max(model_version) AS v FROM IDENTIFIER(:schema || '.gold_model_runs')
), latest AS (
  SELECT p.*, row_number() OVER (PARTITION BY p.symbol ORDER BY p.as_of DESC) AS rn
  FROM IDENTIFIER(:schema || '.gold_trend_predictions') p JOIN newest ON p.model_version = newest.v
)
SELECT l.symbol, l.as_of, l.horizon_minutes, l.direction, round(l.probability_up, 3) AS probability_up,
       l.model_version, round(r.test_auc, 3) AS model_test_auc
FROM latest l JOIN IDENTIFIER(:schema || '.gold_model_runs') r ON r.model_version = l.model_version
WHERE l.rn = 1
ORDER BY l.symbol;

-- COMMAND ----------

-- Were the predictions right? A model predicts only minutes after its data_to (the last minute it
-- trained on); the first train after a prediction's horizon has passed fills in actual_direction
-- and hit. The hit rate counts only predictions with a hit value: pending and flat ones are left out.
SELECT model_version, count(*) AS predictions, count(actual_direction) AS with_outcome,
       count_if(actual_direction = 'flat') AS flat, count_if(hit) AS hits,
       round(count_if(hit) / nullif(count(hit), 0), 3) AS hit_rate
FROM IDENTIFIER(:schema || '.gold_trend_predictions')
WHERE model_version IN (SELECT model_version FROM IDENTIFIER(:schema || '.gold_model_runs'))
GROUP BY model_version
ORDER BY model_version DESC;

# The lakehouse layout under lakehouse_prefix. It mirrors io.marketlake.common.Lakehouse
# (table and checkpoint locations) and io.marketlake.common.Topics; the launcher's
# TerraformTest fails when the two disagree.
locals {
  root = var.lakehouse_prefix

  # Every Delta table, relative to the root (Lakehouse.tables()).
  tables = [
    "bronze/market_data_raw",
    "silver/candles_1m",
    "silver/quarantine",
    "silver/quality_metrics",
    "silver/exchange_gaps",
    "silver/completeness",
    "gold/candles_5m",
    "gold/candles_1h",
    "gold/candles_1d",
    "gold/candles_5m_live",
    "gold/candles_5m_live_batches",
    "gold/daily_change",
    "gold/features",
    "gold/model_runs",
    "gold/trend_predictions",
  ]

  # The top-level "directories" of the lakehouse. S3A probes a directory's parents with HEAD
  # before creating it, so every Spark layer may read these exact keys (they never hold data).
  top_level_dirs = ["bronze", "silver", "gold", "models", "_checkpoints", "_leases"]

  # What each layer reads and writes, as key prefixes relative to the root. Writing implies
  # reading: Delta reads a table's log before it commits to it, and a streaming query reads its
  # own checkpoint. Each table and checkpoint has exactly one writing layer; each job's writer
  # lease (docs/leases.md) lives under _leases/JOB/ and is written by that job alone. ingest talks to the
  # exchange and Kafka only: no S3 at all.
  layers = {
    ingest = {
      read  = []
      write = []
    }
    bronze = {
      read  = []
      write = ["bronze/", "_checkpoints/bronze_market_data_raw/", "_leases/bronze/"]
    }
    silver = {
      read  = ["bronze/"]
      write = ["silver/", "_checkpoints/silver_candles_1m/", "_leases/silver/"]
    }
    gold = {
      read = ["silver/"]
      write = [
        "gold/candles_5m/", "gold/candles_1h/", "gold/candles_1d/", "gold/candles_5m_live/",
        "gold/candles_5m_live_batches/", "gold/daily_change/", "gold/features/",
        "_checkpoints/gold_rollups/", "_checkpoints/gold_rollups_5m/",
        "_checkpoints/gold_candles_5m_live/",
        "_leases/gold/", "_leases/gold-5m/",
      ]
    }
    train = {
      read  = ["gold/features/"]
      write = ["gold/model_runs/", "gold/trend_predictions/", "models/", "_leases/train/"]
    }
  }

  # The Kafka topic of io.marketlake.common.Topics.MARKET_DATA (ingest writes, bronze reads).
  kafka_topic = "marketlake.market-data"

  spark_layers = { for name, layer in local.layers : name => layer if length(layer.write) > 0 }

  create_kms_key = var.encryption == "aws:kms" && var.kms_key_arn == null
  kms_key_arn    = var.encryption != "aws:kms" ? null : (local.create_kms_key ? aws_kms_key.lakehouse[0].arn : var.kms_key_arn)

  dynamodb_table_name = coalesce(var.dynamodb_table_name, "${var.name_prefix}-delta-log")
}

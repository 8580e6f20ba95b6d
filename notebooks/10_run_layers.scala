// Databricks notebook source
// MAGIC %md
// MAGIC # Run the layers by hand
// MAGIC
// MAGIC For a first run, a backfill, or debugging: runs each layer on this cluster, in flow order, with
// MAGIC the options the scheduled job (`notebooks/jobs/marketlake-pipeline.json`) passes.
// MAGIC
// MAGIC * Cluster: Databricks Runtime 17.x (Spark 4.0, Scala 2.13), **dedicated (single user)** access
// MAGIC   mode, an instance profile that may write the whole lakehouse (or run only the layers its role
// MAGIC   allows).
// MAGIC * Libraries: the three jars `marketlake-{bronze,silver,gold}-0.1.0-SNAPSHOT-spark.jar` from the
// MAGIC   volume you uploaded them to. Delta, the Kafka connector and S3 access come with the runtime.
// MAGIC * Secret: scope `marketlake`, key `kafka-sasl-jaas` (see docs/deploy/databricks.md): the
// MAGIC   JAAS line names the runtime's relocated Kafka client, e.g.
// MAGIC   `kafkashaded.org.apache.kafka.common.security.scram.ScramLoginModule required ...;`.
// MAGIC
// MAGIC Each cell calls `Cli.run`, which prints the one-line error and returns the exit code, so a
// MAGIC failed layer says why here instead of failing the cell with a stack trace.

// COMMAND ----------

dbutils.widgets.text("lakehouse", "s3a://CHANGE-ME-marketlake-bucket/lakehouse")
dbutils.widgets.text("s3_region", "us-east-1")
dbutils.widgets.text("kafka_bootstrap_servers", "CHANGE-ME.kafka.us-east-1.amazonaws.com:9096")
dbutils.widgets.text("kafka_topic", "marketlake.market-data")

val lakehouse = dbutils.widgets.get("lakehouse")
val region = dbutils.widgets.get("s3_region")

def check(layer: String, exitCode: Int): Unit =
  require(exitCode == 0, s"$layer failed with exit code $exitCode: see its error line above")

// COMMAND ----------

// Bronze: drain the topic into bronze and stop. The JAAS line comes from the secret scope and is
// redacted in this notebook's output.
val jaas = dbutils.secrets.get(scope = "marketlake", key = "kafka-sasl-jaas")
check("bronze", io.marketlake.common.Cli.run(new io.marketlake.bronze.BronzeCommand(),
  "--lakehouse", lakehouse, "--s3-region", region,
  "--bootstrap-servers", dbutils.widgets.get("kafka_bootstrap_servers"),
  "--topic", dbutils.widgets.get("kafka_topic"),
  "--trigger", "available-now",
  "--kafka-option", "kafka.security.protocol=SASL_SSL",
  "--kafka-option", "kafka.sasl.mechanism=SCRAM-SHA-512",
  "--kafka-option", s"kafka.sasl.jaas.config=$jaas"))

// COMMAND ----------

check("silver", io.marketlake.common.Cli.run(new io.marketlake.silver.SilverCommand(),
  "--lakehouse", lakehouse, "--s3-region", region))

// COMMAND ----------

check("gold", io.marketlake.common.Cli.run(new io.marketlake.gold.GoldCommand(),
  "--lakehouse", lakehouse, "--s3-region", region, "--horizon", "15"))

// COMMAND ----------

check("train", io.marketlake.common.Cli.run(new io.marketlake.gold.TrainCommand(),
  "--lakehouse", lakehouse, "--s3-region", region, "--folds", "3"))

// COMMAND ----------

// The newest model's latest prediction per symbol (the same as `marketlake predictions`).
display(spark.read.format("delta").load(s"$lakehouse/gold/trend_predictions")
  .orderBy(org.apache.spark.sql.functions.col("as_of").desc).limit(20))

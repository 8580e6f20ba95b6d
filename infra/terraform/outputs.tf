# Everything the jobs need: see docs/deploy/terraform.md.

output "bucket_name" {
  description = "The lakehouse bucket."
  value       = aws_s3_bucket.lakehouse.id
}

output "lakehouse_uri" {
  description = "Every Spark layer's --lakehouse (and the notebooks' lakehouse widget)."
  value       = "s3a://${aws_s3_bucket.lakehouse.id}/${local.root}"
}

output "region" {
  description = "Every Spark layer's --s3-region, and the DynamoDB log store's region."
  value       = var.region
}

output "kms_key_arn" {
  description = "The key of SSE-KMS (null with AES256)."
  value       = local.kms_key_arn
}

output "dynamodb_table_name" {
  description = "spark.io.delta.storage.S3DynamoDBLogStore.ddb.tableName."
  value       = aws_dynamodb_table.delta_log.name
}

output "layer_role_arns" {
  description = "IAM role per layer (ingest, bronze, silver, gold, train)."
  value       = { for name, role in aws_iam_role.layer : name => role.arn }
}

output "layer_instance_profile_arns" {
  description = "Instance profile per layer: the Databricks job clusters' aws_attributes.instance_profile_arn, or an EC2/EMR cluster's profile."
  value       = { for name, profile in aws_iam_instance_profile.layer : name => profile.arn }
}

output "spark_conf_multi_writer" {
  description = "spark-submit --conf settings for Delta's DynamoDB log store (several drivers writing one table)."
  value = {
    "spark.delta.logStore.s3a.impl"                           = "io.delta.storage.S3DynamoDBLogStore"
    "spark.io.delta.storage.S3DynamoDBLogStore.ddb.tableName" = aws_dynamodb_table.delta_log.name
    "spark.io.delta.storage.S3DynamoDBLogStore.ddb.region"    = var.region
  }
}

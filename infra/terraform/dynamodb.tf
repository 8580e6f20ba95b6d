# The commit table of Delta's S3DynamoDBLogStore (io.delta:delta-storage-s3-dynamodb): S3 has
# no put-if-absent, so concurrent writers to one table from several drivers agree on each
# commit N.json through a conditional put here. Not used on Databricks, whose own commit
# service does this.
resource "aws_dynamodb_table" "delta_log" {
  name         = local.dynamodb_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "tablePath"
  range_key    = "fileName"

  attribute {
    name = "tablePath"
    type = "S"
  }

  attribute {
    name = "fileName"
    type = "S"
  }

  # Delta sets expireTime on an entry once its commit is complete in S3; DynamoDB then drops it.
  ttl {
    attribute_name = "expireTime"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = var.encryption == "aws:kms"
    kms_key_arn = local.kms_key_arn
  }

  deletion_protection_enabled = !var.force_destroy
}

# One role (and instance profile) per layer, each allowed only the lakehouse prefixes its layer
# reads and writes (local.layers in layout.tf). Nothing here holds a key: a cluster node, a
# Databricks job cluster or an EKS pod gets the layer's role, and S3A's default credentials
# chain picks it up.

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "TrustedServices"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = var.trusted_services
    }
  }

  dynamic "statement" {
    for_each = length(var.trusted_role_arns) > 0 ? [var.trusted_role_arns] : []

    content {
      sid     = "TrustedRoles"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "AWS"
        identifiers = statement.value
      }
    }
  }
}

resource "aws_iam_role" "layer" {
  for_each = local.layers

  name               = "${var.name_prefix}-${each.key}"
  description        = "marketlake ${each.key} layer"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_instance_profile" "layer" {
  for_each = local.layers

  name = "${var.name_prefix}-${each.key}"
  role = aws_iam_role.layer[each.key].name
}

data "aws_iam_policy_document" "layer_s3" {
  for_each = local.spark_layers

  statement {
    # Bucket-level and without a prefix condition: S3 answers a HEAD of a missing key with 404
    # only to a caller holding s3:ListBucket on the bucket (403 otherwise), and S3A and Delta
    # test for files by HEAD. Listing shows key names, never contents.
    sid       = "ListLakehouseBucket"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]
    resources = [aws_s3_bucket.lakehouse.arn]
  }

  statement {
    # S3A probes each missing parent of a directory it creates with a HEAD of the parent's key
    # (e.g. lakehouse/gold/features before lakehouse/gold/features/_delta_log/). These exact
    # keys name directories and never hold data.
    sid     = "ProbeLakehouseDirectories"
    actions = ["s3:GetObject"]
    resources = distinct(concat(
      ["${aws_s3_bucket.lakehouse.arn}/${local.root}"],
      [for d in local.top_level_dirs : "${aws_s3_bucket.lakehouse.arn}/${local.root}/${d}"],
      [for p in concat(each.value.read, each.value.write) : "${aws_s3_bucket.lakehouse.arn}/${local.root}/${trimsuffix(p, "/")}"],
    ))
  }

  statement {
    sid       = "ReadLayerPrefixes"
    actions   = ["s3:GetObject"]
    resources = [for p in concat(each.value.read, each.value.write) : "${aws_s3_bucket.lakehouse.arn}/${local.root}/${p}*"]
  }

  statement {
    sid = "WriteLayerPrefixes"
    actions = [
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = [for p in each.value.write : "${aws_s3_bucket.lakehouse.arn}/${local.root}/${p}*"]
  }

  # Every Spark layer commits to a Delta table. Readers query the table too: listing a table's
  # log through S3DynamoDBLogStore looks up its latest entry.
  statement {
    sid = "DeltaCommitTable"
    actions = [
      "dynamodb:DescribeTable",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:Query",
    ]
    resources = [aws_dynamodb_table.delta_log.arn]
  }

  dynamic "statement" {
    for_each = local.kms_key_arn == null ? [] : [local.kms_key_arn]

    content {
      sid       = "UseLakehouseKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "layer_s3" {
  for_each = local.spark_layers

  name   = "${var.name_prefix}-${each.key}-lakehouse"
  role   = aws_iam_role.layer[each.key].id
  policy = data.aws_iam_policy_document.layer_s3[each.key].json
}

# Kafka on MSK with IAM authentication (optional): ingest produces to the topic (and creates it
# on first run), bronze consumes it. Spark's Kafka source assigns partitions itself but still
# names a consumer group spark-kafka-source-*.
locals {
  msk_topic_arn = var.msk_cluster_arn == null ? null : "${replace(var.msk_cluster_arn, ":cluster/", ":topic/")}/${local.kafka_topic}"
  msk_group_arn = var.msk_cluster_arn == null ? null : "${replace(var.msk_cluster_arn, ":cluster/", ":group/")}/spark-kafka-source-*"
  kafka_access = var.msk_cluster_arn == null ? {} : {
    ingest = {
      topic_actions = ["kafka-cluster:DescribeTopic", "kafka-cluster:CreateTopic", "kafka-cluster:WriteData", "kafka-cluster:ReadData"]
      group         = false
    }
    bronze = {
      topic_actions = ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
      group         = true
    }
  }
}

data "aws_iam_policy_document" "layer_kafka" {
  for_each = local.kafka_access

  statement {
    sid       = "ConnectToCluster"
    actions   = ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"]
    resources = [var.msk_cluster_arn]
  }

  statement {
    sid       = "MarketDataTopic"
    actions   = each.value.topic_actions
    resources = [local.msk_topic_arn]
  }

  dynamic "statement" {
    for_each = each.value.group ? [local.msk_group_arn] : []

    content {
      sid       = "SparkConsumerGroups"
      actions   = ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "layer_kafka" {
  for_each = local.kafka_access

  name   = "${var.name_prefix}-${each.key}-kafka"
  role   = aws_iam_role.layer[each.key].id
  policy = data.aws_iam_policy_document.layer_kafka[each.key].json
}

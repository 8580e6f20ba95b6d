variable "region" {
  description = "AWS region of the bucket, the DynamoDB table and the KMS key; pass the same value to the jobs as --s3-region."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1 or eu-central-1."
  }
}

variable "name_prefix" {
  description = "Prefix of every IAM role, instance profile, policy, KMS alias and (unless dynamodb_table_name is set) the DynamoDB table, e.g. marketlake-prod."
  type        = string
  default     = "marketlake"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,31}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and hold at most 32 letters, digits or dashes."
  }
}

variable "bucket_name" {
  description = "Name of the lakehouse bucket (globally unique). Tables, streaming checkpoints and models all live under lakehouse_prefix in it."
  type        = string

  validation {
    condition = (
      can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
      && !can(regex("\\.\\.|^\\d+\\.\\d+\\.\\d+\\.\\d+$|^xn--|-s3alias$", var.bucket_name))
    )
    error_message = "bucket_name must be 3-63 lowercase letters, digits, dots or dashes, start and end with a letter or digit, and not look like an IP address."
  }
}

variable "lakehouse_prefix" {
  description = "Key prefix of the lakehouse root in the bucket; the jobs' --lakehouse is s3a://BUCKET/PREFIX (the lakehouse_uri output)."
  type        = string
  default     = "lakehouse"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]+(/[a-zA-Z0-9_-]+)*$", var.lakehouse_prefix))
    error_message = "lakehouse_prefix must be one or more path segments of letters, digits, _ or -, without a leading or trailing slash, e.g. lakehouse or prod/lakehouse."
  }
}

variable "encryption" {
  description = "Default encryption of the bucket: aws:kms (SSE-KMS with kms_key_arn, or a key this module creates) or AES256 (SSE-S3)."
  type        = string
  default     = "aws:kms"

  validation {
    condition     = contains(["aws:kms", "AES256"], var.encryption)
    error_message = "encryption must be aws:kms or AES256."
  }
}

variable "kms_key_arn" {
  description = "Existing KMS key for SSE-KMS (encryption = aws:kms). Null: the module creates a key with rotation enabled. Ignored for AES256."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-f0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias."
  }
}

variable "abort_incomplete_multipart_days" {
  description = "Days after which S3 aborts multipart uploads that a killed writer left incomplete (their parts are billed until then)."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_days >= 1 && floor(var.abort_incomplete_multipart_days) == var.abort_incomplete_multipart_days
    error_message = "abort_incomplete_multipart_days must be a whole number of at least 1."
  }
}

variable "delta_tmp_expiration_days" {
  description = "Days after which objects under each table's _delta_log/.tmp/ expire. S3DynamoDBLogStore writes each commit there first, then copies it into place; a leftover is garbage once its commit is complete. Must exceed the longest write."
  type        = number
  default     = 7

  validation {
    condition     = var.delta_tmp_expiration_days >= 1 && floor(var.delta_tmp_expiration_days) == var.delta_tmp_expiration_days
    error_message = "delta_tmp_expiration_days must be a whole number of at least 1."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days a noncurrent object version (a file VACUUM deleted, or an overwritten checkpoint) is kept for recovery before S3 removes it."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of at least 1."
  }
}

variable "bronze_retention_days" {
  description = "Optional bronze retention: 0 keeps bronze forever. N > 0 removes the versions of bronze files that VACUUM deleted after N days (instead of noncurrent_version_expiration_days). Current files are never expired by S3: the Delta log still points at them. Delete old rows with DELETE + VACUUM (notebooks/04_maintenance.sql)."
  type        = number
  default     = 0

  validation {
    condition     = var.bronze_retention_days >= 0 && floor(var.bronze_retention_days) == var.bronze_retention_days
    error_message = "bronze_retention_days must be 0 (keep) or a whole number of days."
  }
}

variable "dynamodb_table_name" {
  description = "Name of the DynamoDB table of Delta's S3DynamoDBLogStore (spark.io.delta.storage.S3DynamoDBLogStore.ddb.tableName). Null: NAME_PREFIX-delta-log."
  type        = string
  default     = null

  validation {
    condition     = var.dynamodb_table_name == null || can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.dynamodb_table_name))
    error_message = "dynamodb_table_name must be 3-255 letters, digits, _ . or -."
  }
}

variable "trusted_services" {
  description = "AWS services allowed to assume the layer roles: ec2.amazonaws.com for instance profiles (Databricks classic compute, EMR on EC2, a self-managed cluster)."
  type        = list(string)
  default     = ["ec2.amazonaws.com"]

  validation {
    condition     = alltrue([for s in var.trusted_services : can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", s))])
    error_message = "trusted_services must be service principals such as ec2.amazonaws.com."
  }
}

variable "trusted_role_arns" {
  description = "IAM roles allowed to assume the layer roles (e.g. an EKS IRSA role or a scheduler's role); empty for none."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.trusted_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "trusted_role_arns must be IAM role ARNs (arn:aws:iam::ACCOUNT:role/NAME)."
  }
}

variable "force_destroy" {
  description = "Let terraform destroy delete a non-empty bucket (every table, checkpoint and model). Keep false outside throw-away environments."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

variable "msk_cluster_arn" {
  description = "Amazon MSK cluster with IAM authentication: ingest may produce to and bronze consume from the market-data topic on it. Null: no Kafka permissions (another Kafka, authenticated by a secret)."
  type        = string
  default     = null

  validation {
    condition     = var.msk_cluster_arn == null || can(regex("^arn:aws[a-z-]*:kafka:[a-z0-9-]+:[0-9]{12}:cluster/[^/]+/[^/]+$", var.msk_cluster_arn))
    error_message = "msk_cluster_arn must be an MSK cluster ARN (arn:aws:kafka:REGION:ACCOUNT:cluster/NAME/UUID)."
  }
}

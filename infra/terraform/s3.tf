# The lakehouse bucket: private, owner-enforced, versioned, encrypted by default, TLS only.

resource "aws_s3_bucket" "lakehouse" {
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_ownership_controls" "lakehouse" {
  bucket = aws_s3_bucket.lakehouse.id

  rule {
    # ACLs disabled: the bucket owner owns every object, whoever wrote it.
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "lakehouse" {
  bucket = aws_s3_bucket.lakehouse.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "lakehouse" {
  bucket = aws_s3_bucket.lakehouse.id

  versioning_configuration {
    # A VACUUM with too short a retention, or a bad overwrite, stays recoverable for
    # noncurrent_version_expiration_days.
    status = "Enabled"
  }
}

resource "aws_kms_key" "lakehouse" {
  count = local.create_kms_key ? 1 : 0

  description             = "marketlake lakehouse bucket ${var.bucket_name} and its Delta commit table"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_alias" "lakehouse" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/${var.name_prefix}-lakehouse"
  target_key_id = aws_kms_key.lakehouse[0].key_id
}

resource "aws_s3_bucket_server_side_encryption_configuration" "lakehouse" {
  bucket = aws_s3_bucket.lakehouse.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.encryption
      kms_master_key_id = local.kms_key_arn
    }
    # One data key per bucket instead of one KMS call per object: Delta writes many small files.
    bucket_key_enabled = var.encryption == "aws:kms"
  }
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.lakehouse.arn,
      "${aws_s3_bucket.lakehouse.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    # A writer may rely on the default encryption (S3A does unless fs.s3a.encryption.algorithm
    # is set) but may not ask for another one, e.g. SSE-S3 in a bucket meant for SSE-KMS.
    sid       = "DenyOtherEncryption"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.lakehouse.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEqualsIfExists"
      variable = "s3:x-amz-server-side-encryption"
      values   = [var.encryption]
    }
  }
}

resource "aws_s3_bucket_policy" "lakehouse" {
  bucket = aws_s3_bucket.lakehouse.id
  policy = data.aws_iam_policy_document.bucket.json

  # The policy is refused while the public access block is being applied.
  depends_on = [aws_s3_bucket_public_access_block.lakehouse]
}

resource "aws_s3_bucket_lifecycle_configuration" "lakehouse" {
  bucket = aws_s3_bucket.lakehouse.id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_days
    }
  }

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {
      prefix = "${local.root}/"
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    expiration {
      expired_object_delete_marker = true
    }
  }

  # S3DynamoDBLogStore's temporary commit files: one rule per table, since lifecycle filters are
  # plain prefixes.
  dynamic "rule" {
    for_each = toset(local.tables)

    content {
      id     = "expire-delta-log-tmp-${replace(rule.value, "/", "-")}"
      status = "Enabled"

      filter {
        prefix = "${local.root}/${rule.value}/_delta_log/.tmp/"
      }

      expiration {
        days = var.delta_tmp_expiration_days
      }
    }
  }

  # Bronze retention: the files VACUUM deleted from bronze go after bronze_retention_days.
  # Current files are never expired here: the Delta log still points at them and lives under
  # the same prefix, so expiring them would corrupt the table.
  dynamic "rule" {
    for_each = var.bronze_retention_days > 0 ? [var.bronze_retention_days] : []

    content {
      id     = "bronze-retention"
      status = "Enabled"

      filter {
        prefix = "${local.root}/bronze/"
      }

      noncurrent_version_expiration {
        noncurrent_days = rule.value
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.lakehouse]
}

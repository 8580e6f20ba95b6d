# marketlake: the S3 side of the lakehouse (bucket, encryption, lifecycle), Delta's DynamoDB
# commit table, and one IAM role per pipeline layer. See docs/deploy/terraform.md.
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40, < 7.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge({ project = "marketlake", managed-by = "terraform" }, var.tags)
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

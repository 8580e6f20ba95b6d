package io.marketlake.common;

/**
 * How Spark's S3A reaches object storage.
 *
 * @param endpoint an S3-compatible endpoint such as {@code http://127.0.0.1:9000}, or null for AWS
 * @param region the signing region
 * @param accessKey static keys for a local server only; null means the AWS default provider chain
 *     (instance profile, IRSA, environment, profile), which is what clusters should use
 * @param secretKey see accessKey
 */
public record S3Settings(String endpoint, String region, String accessKey, String secretKey) {
  public static final String DEFAULT_REGION = "us-east-1";

  public S3Settings {
    if ((accessKey == null) != (secretKey == null)) {
      throw new UsageException("Give both --s3-access-key and --s3-secret-key, or neither to use"
          + " the AWS default credentials chain");
    }
    if (region == null || region.isBlank()) region = DEFAULT_REGION;
  }

  /** Plain AWS S3 with the default credentials chain. */
  public static S3Settings aws(String region) {
    return new S3Settings(null, region, null, null);
  }

  public static S3Settings local(String endpoint, String accessKey, String secretKey) {
    return new S3Settings(endpoint, DEFAULT_REGION, accessKey, secretKey);
  }

  public boolean hasStaticKeys() {
    return accessKey != null;
  }
}

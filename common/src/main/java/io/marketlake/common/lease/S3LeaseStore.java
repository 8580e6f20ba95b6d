package io.marketlake.common.lease;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Leases as S3 objects. Create is a PutObject with {@code If-None-Match: *} and a rewrite one
 * with {@code If-Match: ETAG}, S3's conditional writes (AWS S3 since 2024; the local S3 server
 * too, see docs/leases.md for what it guarantees). The age is the response's {@code Date}
 * minus the object's {@code Last-Modified}: the store's clock, not this machine's.
 */
public final class S3LeaseStore implements LeaseStore, AutoCloseable {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final String scheme;

  /**
   * @param prefix the key prefix of the lease objects, e.g. {@code lakehouse/_leases}
   * @param scheme for messages only, e.g. {@code s3a}
   */
  public S3LeaseStore(S3Client s3, String bucket, String prefix, String scheme) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
    this.scheme = scheme;
  }

  private String key(String job, long epoch) {
    return prefix + job + "/" + WriterLease.epochName(epoch);
  }

  @Override
  public String location(String job) {
    return scheme + "://" + bucket + "/" + prefix + job + "/";
  }

  @Override
  public List<Long> epochs(String job) throws IOException {
    try {
      List<Long> epochs = new ArrayList<>();
      ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket)
          .prefix(prefix + job + "/").build();
      for (S3Object o : s3.listObjectsV2Paginator(request).contents()) {
        String name = o.key().substring(o.key().lastIndexOf('/') + 1);
        if (name.matches("\\d{20}\\.json")) epochs.add(Long.parseLong(name.substring(0, 20)));
      }
      return epochs;
    } catch (SdkException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public Optional<Stored> read(String job, long epoch) throws IOException {
    try {
      ResponseBytes<GetObjectResponse> got =
          s3.getObjectAsBytes(b -> b.bucket(bucket).key(key(job, epoch)));
      Instant serverNow = got.response().sdkHttpResponse().firstMatchingHeader("Date")
          .map(d -> ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
          .orElseGet(Instant::now);
      Duration age = Duration.between(got.response().lastModified(), serverNow);
      return Optional.of(new Stored(got.asByteArray(), got.response().eTag(),
          age.isNegative() ? Duration.ZERO : age));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public Optional<String> create(String job, long epoch, byte[] content) throws IOException {
    return put(key(job, epoch), content, "If-None-Match", "*");
  }

  @Override
  public Optional<String> replace(String job, long epoch, byte[] content, String expectedVersion)
      throws IOException {
    return put(key(job, epoch), content, "If-Match", expectedVersion);
  }

  private Optional<String> put(String key, byte[] content, String header, String value)
      throws IOException {
    try {
      // SDK 2.25 has no typed ifNoneMatch/ifMatch on PutObjectRequest: send the headers as is.
      return Optional.of(s3.putObject(b -> b.bucket(bucket).key(key)
              .contentType("application/json")
              .overrideConfiguration(o -> o.putHeader(header, value)),
          RequestBody.fromBytes(content)).eTag());
    } catch (S3Exception e) {
      // 412: the condition failed; 409: a concurrent conditional write won (AWS); 404: If-Match
      // on an object that is gone.
      if (e.statusCode() == 412 || e.statusCode() == 409 || e.statusCode() == 404) {
        return Optional.empty();
      }
      throw new IOException(e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public void delete(String job, long epoch) throws IOException {
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(key(job, epoch)));
    } catch (SdkException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    s3.close();
  }
}

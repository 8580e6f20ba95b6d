package io.marketlake.common;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.function.Function;

/**
 * Where a running local stack listens: written by {@code stack up} to {@code DIR/stack.json} and
 * read by every command given {@code --workdir DIR}. The S3 keys are the local server's own; on AWS
 * nothing here is used and credentials come from the default provider chain.
 */
public record StackEndpoints(
    @JsonProperty("kafka_bootstrap") String kafkaBootstrap,
    @JsonProperty("s3_endpoint") String s3Endpoint,
    @JsonProperty("s3_bucket") String s3Bucket,
    @JsonProperty("s3_access_key") String s3AccessKey,
    @JsonProperty("s3_secret_key") String s3SecretKey,
    @JsonProperty("exchange_url") String exchangeUrl,
    @JsonProperty("topic") String topic,
    @JsonProperty("lakehouse") String lakehouse,
    @JsonProperty("pids") Map<String, Long> pids) {

  public static final String FILE_NAME = "stack.json";
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public StackEndpoints {
    pids = pids == null ? Map.of() : Map.copyOf(pids);
  }

  /** The S3 settings for this stack's local server. */
  public S3Settings s3() {
    return S3Settings.local(s3Endpoint, s3AccessKey, s3SecretKey);
  }

  public Lakehouse lakehouseLocation() {
    return new Lakehouse(lakehouse);
  }

  /**
   * The project's one precedence rule for an endpoint: the explicit option, else the running
   * stack's value ({@code stack} may be null: no {@code --workdir}), else the default.
   */
  public static String pick(String explicit, StackEndpoints stack,
      Function<StackEndpoints, String> field, String fallback) {
    if (explicit != null) return explicit;
    String fromStack = stack == null ? null : field.apply(stack);
    return fromStack != null ? fromStack : fallback;
  }

  public static Path file(Path workdir) {
    return workdir.resolve(FILE_NAME);
  }

  /**
   * Reads {@code DIR/stack.json}.
   *
   * @throws UsageException when there is no running stack there
   */
  public static StackEndpoints read(Path workdir) {
    Path file = file(workdir);
    try {
      return MAPPER.readValue(Files.readAllBytes(file), StackEndpoints.class);
    } catch (NoSuchFileException e) {
      throw new UsageException("No local stack in " + workdir + " (no " + FILE_NAME
          + "): start one with 'bin/marketlake stack up --workdir " + workdir
          + "', or pass the endpoints as options");
    } catch (IOException e) {
      throw new UsageException("Cannot read " + file + ": " + e.getMessage()
          + " (delete the work directory and run 'stack up' again)");
    }
  }

  /** Writes atomically, so a reader never sees half a file. */
  public void write(Path workdir) throws IOException {
    Files.createDirectories(workdir);
    Path tmp = workdir.resolve(FILE_NAME + ".tmp");
    MAPPER.writeValue(tmp.toFile(), this);
    Files.move(tmp, file(workdir), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}

package io.marketlake.common.lease;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;

/**
 * The content of one lease object: who holds it and since when. Times are ISO-8601 UTC on the
 * holder's clock, for people to read; expiry is judged on the store's clock (the object's age).
 *
 * @param processStart the holder process's start, so a reused pid is not taken for the holder
 * @param releasedAt set when the holder ended normally: the lease is free
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeaseRecord(
    @JsonProperty("job") String job,
    @JsonProperty("epoch") long epoch,
    @JsonProperty("host") String host,
    @JsonProperty("boot_id") String bootId,
    @JsonProperty("pid") long pid,
    @JsonProperty("process_start") String processStart,
    @JsonProperty("started_at") String startedAt,
    @JsonProperty("heartbeat_at") String heartbeatAt,
    @JsonProperty("heartbeat_millis") long heartbeatMillis,
    @JsonProperty("released_at") String releasedAt) {

  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public byte[] toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The record, or null if the bytes are not one (a hand-edited or truncated object). */
  public static LeaseRecord parse(byte[] json) {
    try {
      return JSON.readValue(json, LeaseRecord.class);
    } catch (IOException e) {
      return null;
    }
  }

  /** Whether {@code other} is a record of the same holding: epoch, holder and start alike. */
  boolean sameHolding(LeaseRecord other) {
    return job.equals(other.job) && epoch == other.epoch && host.equals(other.host)
        && Objects.equals(bootId, other.bootId) && pid == other.pid
        && Objects.equals(processStart, other.processStart)
        && Objects.equals(startedAt, other.startedAt);
  }

  LeaseRecord heartbeat(Instant now) {
    return new LeaseRecord(job, epoch, host, bootId, pid, processStart, startedAt, now.toString(),
        heartbeatMillis, null);
  }

  LeaseRecord released(Instant now) {
    return new LeaseRecord(job, epoch, host, bootId, pid, processStart, startedAt, heartbeatAt,
        heartbeatMillis, now.toString());
  }
}

package io.marketlake.common;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** JSON encoding of {@link MarketMessage}: exact decimals, snake_case fields, UTF-8 bytes. */
public final class MessageCodec {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private MessageCodec() {}

  public static byte[] encode(MarketMessage message) {
    try {
      return MAPPER.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot encode " + message, e);
    }
  }

  public static MarketMessage decode(byte[] json) {
    try {
      return MAPPER.readValue(json, MarketMessage.class);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Not a market message: " + new String(json, StandardCharsets.UTF_8), e);
    }
  }
}

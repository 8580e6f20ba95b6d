package io.marketlake.silver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketlake.common.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Loads quality rules: a JSON array of {@code {"name", "condition", "action"}} objects. The default
 * set for 1m candles ships in the jar ({@value #DEFAULT_RESOURCE}).
 */
public final class QualityRules {
  static final String DEFAULT_RESOURCE = "default-candle-rules.json";
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private QualityRules() {}

  public static List<QualityRule> defaults() {
    try (InputStream in = QualityRules.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      return parse(in.readAllBytes(), DEFAULT_RESOURCE);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the built-in rules " + DEFAULT_RESOURCE, e);
    }
  }

  public static List<QualityRule> load(Path file) {
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UsageException("Cannot read rules file " + file + ": " + e.getMessage()
          + " (--rules)");
    }
    return parse(json, file.toString());
  }

  static List<QualityRule> parse(byte[] json, String origin) {
    List<QualityRule> rules;
    try {
      rules = MAPPER.readValue(json, new TypeReference<List<QualityRule>>() {});
    } catch (IOException e) {
      String why = e.getCause() instanceof UsageException u ? u.getMessage()
          : e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new UsageException("Invalid rules file " + origin + ": " + why
          + " (expected a JSON array of {\"name\", \"condition\", \"action\"})");
    }
    Set<String> names = new HashSet<>();
    for (QualityRule rule : rules) {
      if (!names.add(rule.name())) {
        throw new UsageException("Rule '" + rule.name() + "' appears twice in " + origin);
      }
    }
    return List.copyOf(rules);
  }
}

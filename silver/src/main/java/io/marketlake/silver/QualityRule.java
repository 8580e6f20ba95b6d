package io.marketlake.silver;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.marketlake.common.UsageException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One data quality rule: rows for which {@code condition} (a Spark SQL boolean expression over the
 * typed candle columns) is not true fail it. NULL counts as not true.
 */
public record QualityRule(
    @JsonProperty("name") String name,
    @JsonProperty("condition") String condition,
    @JsonProperty("action") Action action) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  /** What happens to a row that fails the rule. */
  public enum Action {
    /** Keep the row; count the failure in the metrics table. */
    WARN,
    /** Leave the row out of silver; count it. */
    DROP,
    /** Leave it out of silver and write it, with the rule's name, to the quarantine table. */
    QUARANTINE,
    /** Stop the run with a message naming the rule and a sample row. */
    FAIL;

    @com.fasterxml.jackson.annotation.JsonCreator
    static Action parse(String value) {
      try {
        return valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UsageException("Unknown rule action '" + value
            + "': expected warn, drop, quarantine or fail");
      }
    }

    @com.fasterxml.jackson.annotation.JsonValue
    String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public QualityRule {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new UsageException("Invalid rule name '" + name
          + "': expected lower-case letters, digits and '_', starting with a letter");
    }
    if (condition == null || condition.isBlank()) {
      throw new UsageException("Rule '" + name + "' has no condition");
    }
    if (action == null) {
      throw new UsageException("Rule '" + name
          + "' has no action: expected warn, drop, quarantine or fail");
    }
  }
}

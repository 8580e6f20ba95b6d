package io.marketlake.gold;

/** The rollup granularities of gold, each its own table {@code candles_<name>}. */
public enum RollupWindow {
  FIVE_MINUTES("5m", 300),
  ONE_HOUR("1h", 3_600),
  ONE_DAY("1d", 86_400);

  private final String label;
  private final long seconds;

  RollupWindow(String label, long seconds) {
    this.label = label;
    this.seconds = seconds;
  }

  /** Short name used in table names and the {@code window} column, e.g. {@code 5m}. */
  public String label() {
    return label;
  }

  public long seconds() {
    return seconds;
  }

  /** How many 1m candles a complete window holds. */
  public long expectedCandles() {
    return seconds / 60;
  }

  /** SQL for the start of the window holding {@code timestampColumn} (UTC, epoch-aligned). */
  String startOf(String timestampColumn) {
    return "timestamp_seconds(floor(unix_seconds(" + timestampColumn + ") / " + seconds + ") * "
        + seconds + ")";
  }
}

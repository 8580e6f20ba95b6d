package io.marketlake.common;

import java.util.List;

/** The project's shared defaults, each written once: commands, the demo and benchmarks use these. */
public final class Defaults {
  /** Spark master when no cluster manager set one: two local cores, a laptop's share. */
  public static final String SPARK_MASTER = "local[2]";

  /** How far ahead the price-trend label looks, in minutes. */
  public static final int HORIZON_MINUTES = 15;

  /** The demo's, the simulated exchange's and the benchmarks' symbols, comma-separated. */
  public static final String SYMBOLS_CSV = "BTCUSDT,ETHUSDT,BNBUSDT,SOLUSDT,XRPUSDT";

  public static final List<String> SYMBOLS = List.of(SYMBOLS_CSV.split(","));

  private Defaults() {}
}

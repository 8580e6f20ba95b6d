package io.marketlake.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link SimulatedExchange} behaves.
 *
 * @param port TCP port on 127.0.0.1; 0 picks a free one
 * @param seed seed of the price paths: same seed, same candles
 * @param clock the exchange's now: candles closed before it are final, its minute's is forming
 * @param replayDir a directory of {@code SYMBOL-1m-*.csv} dumps to serve instead of seeded paths for
 *     those symbols, or null
 * @param weightLimit request weight allowed per window (Binance: 6000 per minute)
 * @param listedSymbols what {@code /api/v3/ticker/24hr} without a symbol reports (replayed symbols
 *     are added to these)
 * @param weightWindow the real-time window the weight limit applies to: Binance's one minute by
 *     default; shorter only so that benchmarks of a client's pacing finish in seconds
 * @param faults faults injected into market-data answers ({@link ExchangeFaults#NONE}: none)
 */
public record ExchangeOptions(
    int port,
    long seed,
    SimulatedClock clock,
    Path replayDir,
    int weightLimit,
    List<String> listedSymbols,
    Duration weightWindow,
    ExchangeFaults faults) {

  public static final int DEFAULT_WEIGHT_LIMIT = 6000;
  public static final long DEFAULT_SEED = 42L;
  public static final Duration DEFAULT_WEIGHT_WINDOW = Duration.ofMinutes(1);

  public ExchangeOptions {
    Objects.requireNonNull(clock, "clock");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    if (weightLimit < 1) throw new IllegalArgumentException("weightLimit must be >= 1");
    listedSymbols = List.copyOf(listedSymbols);
    if (weightWindow == null) weightWindow = DEFAULT_WEIGHT_WINDOW;
    if (weightWindow.toMillis() < 100) {
      throw new IllegalArgumentException("weightWindow must be at least 100 ms: " + weightWindow);
    }
    if (faults == null) faults = ExchangeFaults.NONE;
  }

  /** With Binance's one-minute weight window. */
  public ExchangeOptions(int port, long seed, SimulatedClock clock, Path replayDir, int weightLimit,
      List<String> listedSymbols) {
    this(port, seed, clock, replayDir, weightLimit, listedSymbols, DEFAULT_WEIGHT_WINDOW,
        ExchangeFaults.NONE);
  }

  /** Port 0, seed {@value #DEFAULT_SEED}, the real clock, no replay, Binance's 6000 weight. */
  public static ExchangeOptions defaults() {
    return new ExchangeOptions(0, DEFAULT_SEED, SimulatedClock.system(), null,
        DEFAULT_WEIGHT_LIMIT, io.marketlake.common.Defaults.SYMBOLS, DEFAULT_WEIGHT_WINDOW, ExchangeFaults.NONE);
  }

  public ExchangeOptions withPort(int port) {
    return new ExchangeOptions(port, seed, clock, replayDir, weightLimit, listedSymbols,
        weightWindow, faults);
  }

  public ExchangeOptions withSeed(long seed) {
    return new ExchangeOptions(port, seed, clock, replayDir, weightLimit, listedSymbols,
        weightWindow, faults);
  }

  public ExchangeOptions withClock(SimulatedClock clock) {
    return new ExchangeOptions(port, seed, clock, replayDir, weightLimit, listedSymbols,
        weightWindow, faults);
  }

  public ExchangeOptions withReplayDir(Path replayDir) {
    return new ExchangeOptions(port, seed, clock, replayDir, weightLimit, listedSymbols,
        weightWindow, faults);
  }

  public ExchangeOptions withWeightLimit(int weightLimit) {
    return new ExchangeOptions(port, seed, clock, replayDir, weightLimit, listedSymbols,
        weightWindow, faults);
  }

  public ExchangeOptions withListedSymbols(List<String> listedSymbols) {
    return new ExchangeOptions(port, seed, clock, replayDir, weightLimit, listedSymbols,
        weightWindow, faults);
  }

  public ExchangeOptions withWeightWindow(Duration weightWindow) {
    return new ExchangeOptions(port, seed, clock, replayDir, weightLimit, listedSymbols,
        weightWindow, faults);
  }

  public ExchangeOptions withFaults(ExchangeFaults faults) {
    return new ExchangeOptions(port, seed, clock, replayDir, weightLimit, listedSymbols,
        weightWindow, faults);
  }
}

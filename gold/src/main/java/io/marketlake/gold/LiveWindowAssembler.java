package io.marketlake.gold;

import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.sql.streaming.GroupState;

/**
 * The state machine of the live 5m view, per symbol: keeps the 1m candles of windows still open
 * and emits a window once the event-time watermark has reached its end.
 *
 * <p>Spark calls it with {@code GroupStateTimeout.EventTimeTimeout()}, so candles at or behind
 * the watermark never reach it: Spark drops them before grouping and counts each one in the
 * operator's {@code numRowsDroppedByWatermark}. Every candle that does reach it has
 * {@code open_time > watermark}, so its window is still open: an emitted window never changes.
 * The timeout is set to just before the earliest open window's end, so a symbol that stops
 * trading still has its windows emitted when the watermark passes them.
 */
final class LiveWindowAssembler
    implements FlatMapGroupsWithStateFunction<String, LiveWindowAssembler.Candle,
        LiveWindowAssembler.OpenCandles, LiveWindowAssembler.Window> {
  static final long WINDOW_MILLIS = 5 * 60_000L;

  @Override
  public Iterator<Window> call(String symbol, Iterator<Candle> candles,
      GroupState<OpenCandles> state) {
    // Keyed by window start, then open time: a candle seen twice counts once (the newer wins).
    Map<Long, Map<Long, Candle>> open = new TreeMap<>();
    if (state.exists()) state.get().getCandles().forEach(c -> put(open, c));
    candles.forEachRemaining(c -> put(open, c));
    long watermark = state.getCurrentWatermarkMs();

    List<Window> finished = new ArrayList<>();
    List<Candle> kept = new ArrayList<>();
    long earliestOpenEnd = Long.MAX_VALUE;
    for (Map.Entry<Long, Map<Long, Candle>> w : open.entrySet()) {
      long end = w.getKey() + WINDOW_MILLIS;
      if (end <= watermark) {
        finished.add(rollup(symbol, w.getKey(), List.copyOf(w.getValue().values())));
      } else {
        kept.addAll(w.getValue().values());
        earliestOpenEnd = Math.min(earliestOpenEnd, end);
      }
    }
    if (kept.isEmpty()) {
      state.remove();
    } else {
      state.update(new OpenCandles(kept));
      // Spark times a key out once the watermark is strictly past this: i.e. at end <= watermark.
      state.setTimeoutTimestamp(earliestOpenEnd - 1);
    }
    return finished.iterator();
  }

  private static void put(Map<Long, Map<Long, Candle>> open, Candle c) {
    long t = c.getOpenTime().getTime();
    open.computeIfAbsent(Math.floorDiv(t, WINDOW_MILLIS) * WINDOW_MILLIS, k -> new TreeMap<>())
        .put(t, c);
  }

  /** One window's OHLCV from its candles, ordered by open time. */
  static Window rollup(String symbol, long start, List<Candle> byTime) {
    Window w = new Window();
    w.setSymbol(symbol);
    w.setWindowStart(new Timestamp(start));
    w.setOpen(byTime.get(0).getOpen());
    w.setClose(byTime.get(byTime.size() - 1).getClose());
    BigDecimal high = byTime.get(0).getHigh();
    BigDecimal low = byTime.get(0).getLow();
    BigDecimal volume = BigDecimal.ZERO;
    BigDecimal quoteVolume = null;
    Long trades = null;
    for (Candle c : byTime) {
      high = high.max(c.getHigh());
      low = low.min(c.getLow());
      volume = volume.add(c.getVolume());
      // Like SQL's sum: null only when every candle lacks the field (e.g. Yahoo's candles).
      if (c.getQuoteVolume() != null) {
        quoteVolume = quoteVolume == null ? c.getQuoteVolume()
            : quoteVolume.add(c.getQuoteVolume());
      }
      if (c.getTrades() != null) trades = trades == null ? c.getTrades() : trades + c.getTrades();
    }
    w.setHigh(high);
    w.setLow(low);
    w.setVolume(volume);
    w.setQuoteVolume(quoteVolume);
    w.setTrades(trades);
    w.setCandleCount(byTime.size());
    return w;
  }

  /** The fields a 1m candle and a 5m window share (Java beans, for Spark's encoders). */
  public abstract static class Ohlcv implements Serializable {
    private String symbol;
    private BigDecimal open;
    private BigDecimal high;
    private BigDecimal low;
    private BigDecimal close;
    private BigDecimal volume;
    private BigDecimal quoteVolume;
    private Long trades;

    public String getSymbol() { return symbol; }
    public void setSymbol(String symbol) { this.symbol = symbol; }
    public BigDecimal getOpen() { return open; }
    public void setOpen(BigDecimal open) { this.open = open; }
    public BigDecimal getHigh() { return high; }
    public void setHigh(BigDecimal high) { this.high = high; }
    public BigDecimal getLow() { return low; }
    public void setLow(BigDecimal low) { this.low = low; }
    public BigDecimal getClose() { return close; }
    public void setClose(BigDecimal close) { this.close = close; }
    public BigDecimal getVolume() { return volume; }
    public void setVolume(BigDecimal volume) { this.volume = volume; }
    public BigDecimal getQuoteVolume() { return quoteVolume; }
    public void setQuoteVolume(BigDecimal quoteVolume) { this.quoteVolume = quoteVolume; }
    public Long getTrades() { return trades; }
    public void setTrades(Long trades) { this.trades = trades; }
  }

  /** A silver 1m candle, as the stream reads it. */
  public static final class Candle extends Ohlcv {
    private Timestamp openTime;

    public Timestamp getOpenTime() { return openTime; }
    public void setOpenTime(Timestamp openTime) { this.openTime = openTime; }
  }

  /** The state per symbol: the candles of windows the watermark has not reached yet. */
  public static final class OpenCandles implements Serializable {
    private List<Candle> candles = new ArrayList<>();

    public OpenCandles() {}

    OpenCandles(List<Candle> candles) {
      this.candles = candles;
    }

    public List<Candle> getCandles() { return candles; }
    public void setCandles(List<Candle> candles) { this.candles = candles; }
  }

  /** A finished 5m window. */
  public static final class Window extends Ohlcv {
    private Timestamp windowStart;
    private long candleCount;

    public Timestamp getWindowStart() { return windowStart; }
    public void setWindowStart(Timestamp windowStart) { this.windowStart = windowStart; }
    public long getCandleCount() { return candleCount; }
    public void setCandleCount(long candleCount) { this.candleCount = candleCount; }
  }
}

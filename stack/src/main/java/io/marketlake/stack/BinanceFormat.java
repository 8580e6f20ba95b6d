package io.marketlake.stack;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;

/** Binance's JSON shapes for klines, the 24 h ticker and errors. */
final class BinanceFormat {
  private static final JsonFactory JSON = new JsonFactory();

  private BinanceFormat() {}

  /** {@code [[openTime, "open", ..., closeTime, "quoteVolume", trades, ..., "0"], ...]}. */
  static byte[] klines(List<Candle> candles) {
    return write(g -> {
      g.writeStartArray();
      for (Candle c : candles) {
        g.writeStartArray();
        g.writeNumber(c.openTime());
        g.writeString(c.open());
        g.writeString(c.high());
        g.writeString(c.low());
        g.writeString(c.close());
        g.writeString(c.volume());
        g.writeNumber(c.closeTime());
        g.writeString(c.quoteVolume());
        g.writeNumber(c.trades());
        g.writeString(c.takerBuyVolume());
        g.writeString(c.takerBuyQuoteVolume());
        g.writeString("0");
        g.writeEndArray();
      }
      g.writeEndArray();
    });
  }

  /**
   * A kline answer ({@link #klines}) with its first candle twice, as an exchange serving a retried
   * page does; the same array when it holds no candle.
   */
  static byte[] duplicateFirst(byte[] klines) {
    if (klines.length < 3 || klines[1] != '[') return klines;
    int end = 1;
    while (klines[end] != ']') end++;   // kline rows hold no nested arrays
    ByteArrayOutputStream out = new ByteArrayOutputStream(klines.length + end + 1);
    out.write('[');
    out.write(klines, 1, end);          // the first row
    out.write(',');
    out.write(klines, 1, klines.length - 1);
    return out.toByteArray();
  }

  /**
   * The 24 h ticker of {@code symbol} from its last closed candles (oldest first); {@code previous}
   * is the candle before them, or null. Order-book fields are zero: the simulation has no book.
   */
  static void ticker(JsonGenerator g, String symbol, List<Candle> day, Candle previous)
      throws IOException {
    BigDecimal open = BigDecimal.ZERO;
    BigDecimal last = BigDecimal.ZERO;
    BigDecimal high = BigDecimal.ZERO;
    BigDecimal low = BigDecimal.ZERO;
    BigDecimal volume = BigDecimal.ZERO;
    BigDecimal quote = BigDecimal.ZERO;
    long count = 0;
    boolean first = true;
    for (Candle c : day) {
      BigDecimal h = new BigDecimal(c.high());
      BigDecimal l = new BigDecimal(c.low());
      if (first) {
        first = false;
        open = new BigDecimal(c.open());
        high = h;
        low = l;
      }
      high = high.max(h);
      low = low.min(l);
      last = new BigDecimal(c.close());
      volume = volume.add(new BigDecimal(c.volume()));
      quote = quote.add(new BigDecimal(c.quoteVolume()));
      count += c.trades();
    }
    BigDecimal change = last.subtract(open);
    BigDecimal percent = open.signum() == 0 ? BigDecimal.ZERO
        : change.multiply(BigDecimal.valueOf(100)).divide(open, 3, RoundingMode.HALF_UP);
    BigDecimal weighted = volume.signum() == 0 ? BigDecimal.ZERO
        : quote.divide(volume, new MathContext(12)).setScale(8, RoundingMode.HALF_UP);
    String zero = "0.00000000";
    g.writeStartObject();
    g.writeStringField("symbol", symbol);
    g.writeStringField("priceChange", change.toPlainString());
    g.writeStringField("priceChangePercent", percent.toPlainString());
    g.writeStringField("weightedAvgPrice", weighted.toPlainString());
    g.writeStringField("prevClosePrice", previous == null ? zero : previous.close());
    g.writeStringField("lastPrice", last.toPlainString());
    g.writeStringField("lastQty", zero);
    g.writeStringField("bidPrice", last.toPlainString());
    g.writeStringField("bidQty", zero);
    g.writeStringField("askPrice", last.toPlainString());
    g.writeStringField("askQty", zero);
    g.writeStringField("openPrice", open.toPlainString());
    g.writeStringField("highPrice", high.toPlainString());
    g.writeStringField("lowPrice", low.toPlainString());
    g.writeStringField("volume", volume.toPlainString());
    g.writeStringField("quoteVolume", quote.toPlainString());
    g.writeNumberField("openTime", day.isEmpty() ? 0 : day.get(0).openTime());
    g.writeNumberField("closeTime", day.isEmpty() ? 0 : day.get(day.size() - 1).closeTime());
    g.writeNumberField("firstId", -1);
    g.writeNumberField("lastId", -1);
    g.writeNumberField("count", count);
    g.writeEndObject();
  }

  static byte[] error(int code, String msg) {
    return write(g -> {
      g.writeStartObject();
      g.writeNumberField("code", code);
      g.writeStringField("msg", msg);
      g.writeEndObject();
    });
  }

  interface Body {
    void writeTo(JsonGenerator g) throws IOException;
  }

  static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.writeTo(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}

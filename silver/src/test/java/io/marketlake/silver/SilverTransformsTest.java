package io.marketlake.silver;

import static io.marketlake.silver.BronzeFixture.T0;
import static io.marketlake.silver.BronzeFixture.at;
import static io.marketlake.silver.BronzeFixture.candle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketlake.common.MessageCodec;
import io.marketlake.common.UsageException;
import io.marketlake.common.spark.TestSpark;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SilverTransformsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Timestamp INGESTED = at("2026-02-02T00:00:00Z");
  private final SparkSession spark = TestSpark.get();

  @Test
  void parsesExactDecimalsAndTimesAndRescuesUnknownFields() throws Exception {
    ObjectNode message = validJson();
    message.put("open", "9.98200000");
    message.put("exchange_note", "maintenance");
    Row row = parse(new BronzeFixture().addRaw("LINKUSDT", message.toString(), INGESTED))
        .first();

    assertThat(row.<String>getAs("symbol")).isEqualTo("LINKUSDT");
    assertThat(row.<BigDecimal>getAs("open")).isEqualByComparingTo("9.982");
    assertThat(row.<BigDecimal>getAs("close")).isEqualTo(new BigDecimal("10.50000000"));
    assertThat(row.<Long>getAs("open_time_ms")).isEqualTo(T0 + 60_000);
    assertThat(row.<Timestamp>getAs("open_time").toInstant().toEpochMilli())
        .isEqualTo(T0 + 60_000);
    assertThat(row.<String>getAs("_rescued_data")).isEqualTo("{\"exchange_note\":\"maintenance\"}");
    assertThat(row.<Boolean>getAs("_json_object")).isTrue();
  }

  @Test
  void knownFieldsOnlyMeansNothingRescued() {
    Row row = parse(new BronzeFixture().add(candle("LINKUSDT", 1, "10.5"), INGESTED)).first();
    assertThat(row.<String>getAs("_rescued_data")).isNull();
  }

  static Stream<Arguments> badRows() {
    return Stream.of(
        bad("positive_prices", m -> m.put("low", 0)),
        bad("high_is_highest", m -> m.put("high", "10.4")),
        bad("low_is_lowest", m -> m.put("low", "10.2")),
        bad("non_negative_volume", m -> m.put("volume", "-1")),
        bad("minute_boundary", m -> m.put("open_time", T0 + 90_000)
            .put("close_time", T0 + 149_999)),
        bad("symbol_format", m -> m.put("symbol", "link-usdt")),
        bad("not_in_future", m -> m.put("open_time", System.currentTimeMillis() / 60_000 * 60_000
            + 86_400_000L).put("close_time", System.currentTimeMillis() + 86_460_000L)),
        bad("supported_schema_version", m -> m.put("schema_version", 2)),
        bad("required_fields", m -> m.remove("close")),
        bad("required_fields", m -> m.put("close", "ten")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRows")
  void eachDefaultRuleCatchesItsBadRowAndOnlyIt(String rule, Consumer<ObjectNode> breakIt) {
    ObjectNode message = validJson();
    breakIt.accept(message);
    Dataset<Row> rows = new BronzeFixture()
        .add(candle("LINKUSDT", 2, "10.5"), INGESTED)
        .addRaw("LINKUSDT", message.toString(), INGESTED)
        .toDataset(spark);

    List<Row> evaluated = new QualityCheck(QualityRules.defaults())
        .evaluate(CandleParser.parse(rows)).orderBy("kafka_offset").collectAsList();

    assertThat(evaluated.get(0).<List<String>>getList(
        evaluated.get(0).fieldIndex("failed_rules"))).isEmpty();
    assertThat(evaluated.get(0).<Boolean>getAs("quarantined")).isFalse();
    Row broken = evaluated.get(1);
    assertThat(broken.<String>getList(broken.fieldIndex("failed_rules"))).containsExactly(rule);
    assertThat(broken.<Boolean>getAs("quarantined")).isTrue();
  }

  @ParameterizedTest(name = "{0} {1} passes: {2}")
  @org.junit.jupiter.params.provider.CsvSource({
      "binance, BTCUSDT, true", "binance, 1INCHUSDT, true", "binance, BTC-USD, false",
      "yahoo, AAPL, true", "yahoo, ^GSPC, true", "yahoo, BRK-B, true", "yahoo, EURUSD=X, true",
      "yahoo, ES=F, true", "yahoo, BTC-USD, true", "yahoo, aapl, false", "yahoo, A^B, false"})
  void symbolFormatFollowsEachSourcesSpelling(String source, String symbol, boolean passes) {
    ObjectNode message = validJson();
    message.put("source", source).put("symbol", symbol);
    Row row = new QualityCheck(QualityRules.defaults())
        .evaluate(parse(new BronzeFixture().addRaw(symbol, message.toString(), INGESTED)))
        .first();
    List<String> failed = row.getList(row.fieldIndex("failed_rules"));
    if (passes) {
      assertThat(failed).isEmpty();
    } else {
      assertThat(failed).containsExactly("symbol_format");
    }
  }

  @Test
  void notJsonIsQuarantinedAsInvalidJsonOnly() {
    Row row = new QualityCheck(QualityRules.defaults())
        .evaluate(parse(new BronzeFixture().addRaw("X", "{oops", INGESTED))).first();
    assertThat(row.<String>getList(row.fieldIndex("failed_rules"))).containsExactly("valid_json");
  }

  @Test
  void dropAndWarnActionsDecideWhereTheRowGoes() {
    QualityCheck check = new QualityCheck(List.of(
        new QualityRule("tiny_volume", "volume >= 1000", QualityRule.Action.WARN),
        new QualityRule("no_trades", "trades > 100", QualityRule.Action.DROP)));
    Row row = check.evaluate(parse(new BronzeFixture().add(candle("LINKUSDT", 1, "10.5"),
        INGESTED))).first();
    assertThat(row.<String>getList(row.fieldIndex("failed_rules")))
        .containsExactly("tiny_volume", "no_trades");
    assertThat(row.<Boolean>getAs("quarantined")).isFalse();
    assertThat(row.<Boolean>getAs("dropped")).isTrue();
  }

  @Test
  void invalidConditionIsAUsageErrorNamingTheRule() {
    QualityCheck check = new QualityCheck(List.of(
        new QualityRule("typo", "volum > 0", QualityRule.Action.WARN)));
    assertThatThrownBy(() -> check.validate(parse(new BronzeFixture())))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("Rule 'typo' has an invalid condition 'volum > 0': ");
  }

  @Test
  void newestVersionWinsWhateverTheOrderOfArrival() {
    Timestamp later = at("2026-02-03T00:00:00Z");
    Dataset<Row> bronze = new BronzeFixture()
        .add(candle("LINKUSDT", 1, "11.0"), later)       // offset 0, newest batch
        .add(candle("LINKUSDT", 1, "10.5"), INGESTED)    // offset 1, older batch
        .add(candle("LINKUSDT", 2, "10.6"), INGESTED)    // offset 2
        .add(candle("LINKUSDT", 2, "10.7"), INGESTED)    // offset 3, same batch, later offset
        .add(candle("NEARUSDT", 1, "1.2"), INGESTED)
        .toDataset(spark);

    List<Row> latest = CandleMerger.latestPerCandle(CandleParser.parse(bronze))
        .orderBy("symbol", "open_time").collectAsList();

    assertThat(latest).extracting(r -> r.getAs("symbol") + "@" + r.getAs("open_time_ms") + "="
            + r.<BigDecimal>getAs("close").stripTrailingZeros().toPlainString())
        .containsExactly("LINKUSDT@" + (T0 + 60_000) + "=11", "LINKUSDT@" + (T0 + 120_000)
            + "=10.7", "NEARUSDT@" + (T0 + 60_000) + "=1.2");
  }

  @Test
  void rulesFileErrorsNameTheFileAndTheFix() {
    assertThatThrownBy(() -> QualityRules.parse(
        "[{\"name\":\"a\",\"condition\":\"x > 0\",\"action\":\"explode\"}]"
            .getBytes(StandardCharsets.UTF_8), "rules.json"))
        .isInstanceOf(UsageException.class)
        .hasMessage("Invalid rules file rules.json: Unknown rule action 'explode': expected warn,"
            + " drop, quarantine or fail (expected a JSON array of {\"name\", \"condition\","
            + " \"action\"})");
    assertThatThrownBy(() -> QualityRules.parse(
        ("[{\"name\":\"a\",\"condition\":\"x > 0\",\"action\":\"warn\"},"
            + "{\"name\":\"a\",\"condition\":\"y > 0\",\"action\":\"drop\"}]")
            .getBytes(StandardCharsets.UTF_8), "rules.json"))
        .isInstanceOf(UsageException.class)
        .hasMessage("Rule 'a' appears twice in rules.json");
    assertThat(QualityRules.defaults()).extracting(QualityRule::name).containsExactly(
        "positive_prices", "high_is_highest", "low_is_lowest", "non_negative_volume",
        "minute_boundary", "symbol_format", "not_in_future");
  }

  private Dataset<Row> parse(BronzeFixture fixture) {
    return CandleParser.parse(fixture.toDataset(spark));
  }

  /** open 10, high 10.51, low 9.99, close 10.5, at minute 1. */
  static ObjectNode validJson() {
    try {
      ObjectNode node = (ObjectNode) JSON.readTree(MessageCodec.encode(candle("LINKUSDT", 1,
          "10.5")));
      node.put("high", "10.51").put("low", "9.99");
      return node;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Arguments bad(String rule, Consumer<ObjectNode> change) {
    return Arguments.of(rule, change);
  }
}

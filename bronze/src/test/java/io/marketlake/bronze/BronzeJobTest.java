package io.marketlake.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketlake.common.UsageException;
import io.marketlake.common.spark.BronzeSchema;
import io.marketlake.common.spark.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BronzeJobTest {
  /** The schema of Spark's Kafka source with includeHeaders=true. */
  static final StructType KAFKA_SOURCE = new StructType()
      .add("key", DataTypes.BinaryType)
      .add("value", DataTypes.BinaryType)
      .add("topic", DataTypes.StringType)
      .add("partition", DataTypes.IntegerType)
      .add("offset", DataTypes.LongType)
      .add("timestamp", DataTypes.TimestampType)
      .add("timestampType", DataTypes.IntegerType)
      .add("headers", DataTypes.createArrayType(new StructType()
          .add("key", DataTypes.StringType)
          .add("value", DataTypes.BinaryType)));

  private final SparkSession spark = TestSpark.get();

  @Test
  void keepsRawValueKafkaCoordinatesAndHeaders() {
    Timestamp produced = Timestamp.valueOf("2026-02-01 00:01:00");
    List<Row> kafka = List.of(
        RowFactory.create(bytes("LINKUSDT"), bytes("{\"symbol\":\"LINKUSDT\"}"), "md", 2, 41L,
            produced, 0, List.of(RowFactory.create("source", bytes("binance")))),
        RowFactory.create(null, bytes("not json"), "md", 0, 7L, produced, 0, null));

    List<Row> bronze = BronzeJob.toBronze(spark.createDataFrame(kafka, KAFKA_SOURCE))
        .orderBy("offset").collectAsList();

    assertThat(bronze.get(0).schema().fieldNames()).containsExactly(BronzeSchema.TABLE.fieldNames());
    // The schema downstream tests write bronze rows with (types; Spark's nullability aside).
    assertThat(bronze.get(0).schema().fields()).extracting(f -> f.name() + " " + f.dataType().sql())
        .containsExactlyElementsOf(Arrays.stream(BronzeSchema.TABLE.fields())
            .map(f -> f.name() + " " + f.dataType().sql()).toList());
    Row raw = bronze.get(0);
    assertThat(raw.<String>getAs("key")).isNull();
    assertThat(raw.<String>getAs("value")).isEqualTo("not json");
    assertThat(raw.<List<?>>getList(raw.fieldIndex("headers"))).isEmpty();
    Row link = bronze.get(1);
    assertThat(link.<String>getAs("key")).isEqualTo("LINKUSDT");
    assertThat(link.<String>getAs("value")).isEqualTo("{\"symbol\":\"LINKUSDT\"}");
    assertThat(link.<String>getAs("topic")).isEqualTo("md");
    assertThat(link.<Integer>getAs("partition")).isEqualTo(2);
    assertThat(link.<Long>getAs("offset")).isEqualTo(41L);
    assertThat(link.<Timestamp>getAs("kafka_timestamp")).isEqualTo(produced);
    Row header = link.<Row>getList(link.fieldIndex("headers")).get(0);
    assertThat(header.getString(0)).isEqualTo("source");
    assertThat(header.getString(1)).isEqualTo("binance");
    assertThat(link.<Timestamp>getAs("ingest_time")).isNotNull();
    assertThat(link.getAs("ingest_date").toString())
        .isEqualTo(link.<Timestamp>getAs("ingest_time").toLocalDateTime().toLocalDate()
            .toString());
  }

  @Test
  void theTableKeepsStatisticsForTheKeysNotForTheRawJson(@TempDir Path dir) throws Exception {
    String table = new io.marketlake.common.Lakehouse(dir.toUri().toString()).bronzeCandlesRaw();
    List<Row> kafka = List.of(RowFactory.create(bytes("LINKUSDT"), bytes("{\"symbol\":1}"), "md",
        0, 7L, Timestamp.valueOf("2026-02-01 00:01:00"), 0, null));
    Dataset<Row> rows = BronzeJob.toBronze(spark.createDataFrame(kafka, KAFKA_SOURCE));

    BronzeJob.createIfMissing(spark, table, rows.schema());
    BronzeJob.createIfMissing(spark, table, rows.schema());   // a restart: left as it is
    rows.write().format("delta").mode("append").save(table);

    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> statsColumns = new java.util.ArrayList<>();
    try (var logs = Files.list(Path.of(java.net.URI.create(
        table.replace("file:/", "file:///") + "/_delta_log")))) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".json")).toList()) {
        for (String line : Files.readAllLines(log)) {
          var add = json.readTree(line).get("add");
          if (add != null) {
            json.readTree(add.get("stats").asText()).get("minValues").fieldNames()
                .forEachRemaining(statsColumns::add);
          }
        }
      }
    }
    assertThat(statsColumns).containsExactlyInAnyOrder(
        "key", "topic", "partition", "offset", "kafka_timestamp", "ingest_time");
    assertThat(spark.read().format("delta").load(table).count()).isEqualTo(1);
  }

  @Test
  void triggerIsAvailableNowOrAnInterval() {
    assertThat(BronzeCommand.parseTrigger("available-now")).isNull();
    assertThat(BronzeCommand.parseTrigger("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(BronzeCommand.parseTrigger("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(() -> BronzeCommand.parseTrigger("soon"))
        .isInstanceOf(UsageException.class)
        .hasMessage("Invalid --trigger 'soon': expected available-now or a duration such as"
            + " 30s, 5m");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

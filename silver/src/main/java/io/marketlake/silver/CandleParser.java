package io.marketlake.silver;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** Bronze rows → typed message rows, keeping unknown fields in {@code _rescued_data}. */
final class CandleParser {
  private CandleParser() {}

  /**
   * Parses {@code value} with the explicit schema. Output columns: the typed message fields
   * ({@code open_time} and {@code close_time} as timestamps, {@code open_time_ms} as epoch ms,
   * amounts as DECIMAL(24,8)), {@code _rescued_data} (a JSON object of fields the schema does not
   * know, or null), {@code _json_object} (whether the value was a JSON object at all) and the bronze
   * coordinates ({@code value, key, kafka_topic, kafka_partition, kafka_offset, ingest_time}).
   */
  static Dataset<Row> parse(Dataset<Row> bronze) {
    Column message = from_json(col("value"), CandleSchema.MESSAGE_V1);
    Column allFields =
        from_json(col("value"), DataTypes.createMapType(DataTypes.StringType,
            DataTypes.StringType));
    Dataset<Row> withParsed =
        bronze.select(col("*"), message.as("m"), allFields.as("all_fields"));

    List<Column> out = new ArrayList<>();
    out.add(col("m.schema_version").as("schema_version"));
    out.add(col("m.kind").as("kind"));
    out.add(col("m.source").as("source"));
    out.add(col("m.symbol").as("symbol"));
    out.add(col("m.interval").as("interval"));
    out.add(col("m.open_time").as("open_time_ms"));
    out.add(expr("timestamp_millis(m.open_time)").as("open_time"));
    out.add(expr("timestamp_millis(m.close_time)").as("close_time"));
    for (String field : CandleSchema.AMOUNT_FIELDS) {
      // try_cast: Spark 4 runs in ANSI mode, where a plain cast of a bad string throws.
      out.add(expr("try_cast(m." + field + " AS " + CandleSchema.AMOUNT.sql() + ")").as(field));
    }
    out.add(col("m.trades").as("trades"));
    out.add(expr("timestamp_millis(m.fetched_at)").as("fetched_at"));
    out.add(rescued(col("all_fields")).as("_rescued_data"));
    out.add(col("all_fields").isNotNull().as("_json_object"));
    out.add(col("value"));
    out.add(col("key"));
    out.add(col("topic").as("kafka_topic"));
    out.add(col("partition").as("kafka_partition"));
    out.add(col("offset").as("kafka_offset"));
    out.add(col("ingest_time"));
    return withParsed.select(out.toArray(Column[]::new));
  }

  private static Column rescued(Column allFields) {
    Column known = lit(CandleSchema.KNOWN_FIELDS.toArray(String[]::new));
    Column unknown = map_filter(allFields, (k, v) -> not(array_contains(known, k)));
    return when(size(unknown).gt(0), to_json(unknown));
  }
}

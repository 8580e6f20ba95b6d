package io.marketlake.common.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The bronze table's schema, defined once: the bronze job writes exactly this ({@code
 * BronzeJobTest} checks it), and the benchmarks and the tests downstream of bronze write bronze
 * rows directly (without Kafka) with it.
 */
public final class BronzeSchema {
  public static final StructType TABLE = new StructType()
      .add("key", DataTypes.StringType)
      .add("value", DataTypes.StringType)
      .add("topic", DataTypes.StringType)
      .add("partition", DataTypes.IntegerType)
      .add("offset", DataTypes.LongType)
      .add("kafka_timestamp", DataTypes.TimestampType)
      .add("headers", DataTypes.createArrayType(new StructType()
          .add("key", DataTypes.StringType).add("value", DataTypes.StringType)))
      .add("ingest_time", DataTypes.TimestampType)
      .add("ingest_date", DataTypes.DateType);

  private BronzeSchema() {}
}

package io.marketlake.gold;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/** Types shared by the gold tables. */
final class GoldSchema {
  /** Summed volumes: room for 30 integer digits, 8 decimals, like the 1m amounts. */
  static final DecimalType VOLUME = DataTypes.createDecimalType(38, 8);

  private GoldSchema() {}
}

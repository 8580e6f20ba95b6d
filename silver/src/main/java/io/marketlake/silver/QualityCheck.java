package io.marketlake.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.marketlake.common.UsageException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Applies quality rules to parsed rows. Structural rules are always applied first and always
 * quarantine; the configured rules are evaluated only on rows that pass them, so a broken message
 * is reported once, for what is really wrong with it.
 */
final class QualityCheck {
  /** Rules every message must pass before any configured rule is evaluated. */
  static final List<QualityRule> STRUCTURAL = List.of(
      new QualityRule("valid_json", "_json_object", QualityRule.Action.QUARANTINE),
      new QualityRule("supported_schema_version", "schema_version = 1",
          QualityRule.Action.QUARANTINE),
      new QualityRule("required_fields",
          "kind = 'candle' AND symbol IS NOT NULL AND interval IS NOT NULL"
              + " AND open_time_ms IS NOT NULL AND close_time IS NOT NULL AND open IS NOT NULL"
              + " AND high IS NOT NULL AND low IS NOT NULL AND close IS NOT NULL"
              + " AND volume IS NOT NULL",
          QualityRule.Action.QUARANTINE));

  private final List<QualityRule> rules;

  QualityCheck(List<QualityRule> rules) {
    this.rules = List.copyOf(rules);
  }

  List<QualityRule> allRules() {
    List<QualityRule> all = new ArrayList<>(STRUCTURAL);
    all.addAll(rules);
    return all;
  }

  /**
   * Adds {@code failed_rules} (names of the rules the row fails, empty if none), {@code
   * quarantined} and {@code dropped} (booleans deciding where the row goes).
   */
  Dataset<Row> evaluate(Dataset<Row> parsed) {
    // Structural rules build on each other (no JSON, no version, no fields): report the first.
    Column structuralFailures = org.apache.spark.sql.functions.slice(failures(STRUCTURAL), 1, 1);
    Column configuredFailures = failures(rules);
    Column failed = when(size(structuralFailures).gt(0), structuralFailures)
        .otherwise(configuredFailures);
    List<String> quarantineNames = names(QualityRule.Action.QUARANTINE);
    List<String> dropNames = names(QualityRule.Action.DROP);
    return parsed
        .withColumn("failed_rules", failed)
        .withColumn("quarantined", anyIn(col("failed_rules"), quarantineNames))
        .withColumn("dropped",
            not(col("quarantined")).and(anyIn(col("failed_rules"), dropNames)));
  }

  /** Fails fast, before any data is read, when a condition is not valid SQL for these rows. */
  void validate(Dataset<Row> parsedShape) {
    for (QualityRule rule : rules) {
      try {
        parsedShape.select(expr(rule.condition())).schema();
      } catch (Exception e) {
        String why = e instanceof AnalysisException a ? a.getSimpleMessage() : e.getMessage();
        throw new UsageException("Rule '" + rule.name() + "' has an invalid condition '"
            + rule.condition() + "': " + why.lines().findFirst().orElse(why));
      }
    }
  }

  /**
   * Counts over the output of {@link #evaluate} (with an {@code other_kind} column), in one pass:
   * rows, other kinds, quarantined, dropped, failures per rule (candidates only), the days of the
   * rows that go on to silver, and, for the exchange gaps and the ledger, the exchange's empty
   * answers and each symbol's 1m minutes (accepted candles and valid answers). Grouped by symbol,
   * so the minutes come out of the same job; the counts are summed here.
   */
  BatchCounts countBatch(Dataset<Row> evaluated) {
    List<QualityRule> all = allRules();
    Column candidate = not(col("other_kind"));
    Column accepted = candidate.and(not(col("quarantined"))).and(not(col("dropped")));
    Column minuteCandle = accepted.and(col("interval").equalTo(CompletenessLedger.ONE_MINUTE));
    Column minuteAnswer = ExchangeGaps.isValidAnswer()
        .and(col("interval").equalTo(CompletenessLedger.ONE_MINUTE));
    List<Column> aggregates = new ArrayList<>();
    aggregates.add(sum(when(col("other_kind"), 1L).otherwise(0L)));
    aggregates.add(sum(when(candidate.and(col("quarantined")), 1L).otherwise(0L)));
    aggregates.add(sum(when(candidate.and(col("dropped")), 1L).otherwise(0L)));
    aggregates.add(collect_set(when(accepted, expr("cast(to_date(open_time) AS STRING)"))));
    aggregates.add(sum(when(ExchangeGaps.isAnswer(), 1L).otherwise(0L)));
    aggregates.add(sum(when(ExchangeGaps.isValidAnswer(), 1L).otherwise(0L)));
    aggregates.add(collect_list(when(minuteCandle, expr("unix_millis(open_time) div 60000"))));
    aggregates.add(collect_list(when(minuteAnswer, expr("array(unix_millis(open_time) div 60000,"
        + " (unix_millis(close_time) + 60000) div 60000)"))));
    int firstRule = 11;   // source, symbol, count and the eight aggregates above come first
    for (QualityRule rule : all) {
      aggregates.add(sum(when(candidate.and(array_contains(col("failed_rules"), rule.name())), 1L)
          .otherwise(0L)));
    }
    List<Row> groups = evaluated.groupBy(col("source"), col("symbol"))
        .agg(count(lit(1)), aggregates.toArray(Column[]::new)).collectAsList();
    long rows = 0;
    long others = 0;
    long quarantined = 0;
    long dropped = 0;
    long answers = 0;
    long validAnswers = 0;
    java.util.SortedSet<String> days = new java.util.TreeSet<>();
    List<CompletenessLedger.SymbolMinutes> minutes = new ArrayList<>();
    long[] failed = new long[all.size()];
    for (Row g : groups) {
      rows += g.getLong(2);
      others += longOrZero(g, 3);
      quarantined += longOrZero(g, 4);
      dropped += longOrZero(g, 5);
      days.addAll(g.<String>getList(6));
      answers += longOrZero(g, 7);
      validAnswers += longOrZero(g, 8);
      List<Long> candleMinutes = g.getList(9);
      List<scala.collection.Seq<Long>> answered = g.getList(10);
      if (!candleMinutes.isEmpty() || !answered.isEmpty()) {
        minutes.add(new CompletenessLedger.SymbolMinutes(g.getString(0), g.getString(1),
            candleMinutes.stream().mapToLong(Long::longValue).toArray(),
            answered.stream().map(r -> new long[] {r.apply(0), r.apply(1)})
                .toArray(long[][]::new)));
      }
      for (int r = 0; r < all.size(); r++) failed[r] += longOrZero(g, firstRule + r);
    }
    List<RuleCount> counts = new ArrayList<>();
    for (int r = 0; r < all.size(); r++) {
      counts.add(new RuleCount(all.get(r), rows - others, failed[r]));
    }
    return new BatchCounts(rows, others, quarantined, dropped, List.copyOf(days), answers,
        validAnswers, List.copyOf(minutes), counts);
  }

  private static long longOrZero(Row row, int i) {
    return row.isNullAt(i) ? 0 : row.getLong(i);
  }

  /**
   * What {@link #countBatch} found. {@code answers}: the exchange's {@code no_candles} rows;
   * {@code validAnswers}: those the ledger can use; {@code minutes}: per symbol, the 1m minutes
   * of the accepted candles and valid answers, for the ledger.
   */
  record BatchCounts(long rows, long otherKinds, long quarantined, long dropped,
      List<String> acceptedDays, long answers, long validAnswers,
      List<CompletenessLedger.SymbolMinutes> minutes, List<RuleCount> rules) {}

  List<QualityRule> rulesWith(QualityRule.Action action) {
    return allRules().stream().filter(r -> r.action() == action).toList();
  }

  private List<String> names(QualityRule.Action action) {
    return rulesWith(action).stream().map(QualityRule::name).toList();
  }

  private static Column failures(List<QualityRule> rules) {
    if (rules.isEmpty()) return expr("cast(array() as array<string>)");
    Column[] checks = rules.stream()
        .map(r -> when(not(coalesce(expr(r.condition()), lit(false))), lit(r.name())))
        .toArray(Column[]::new);
    return filter(array(checks), x -> x.isNotNull());
  }

  private static Column anyIn(Column failedRules, List<String> names) {
    if (names.isEmpty()) return lit(false);
    Column set = lit(names.toArray(String[]::new));
    return exists(failedRules, r -> array_contains(set, r));
  }

  /** Failures of one rule over one batch. */
  record RuleCount(QualityRule rule, long evaluated, long failed) {
    long passed() {
      return evaluated - failed;
    }
  }
}

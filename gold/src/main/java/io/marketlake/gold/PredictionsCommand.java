package io.marketlake.gold;

import io.marketlake.common.Cli;
import io.marketlake.common.LakehouseOptions;
import io.marketlake.common.spark.LayerContext;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code predictions}: the latest prediction per symbol, with the model's measured test AUC. */
@Command(name = "predictions", mixinStandardHelpOptions = true,
    description = "Print the latest predicted direction per symbol from the newest model, with"
        + " that model's walk-forward test AUC and baselines beside it.")
public final class PredictionsCommand implements Callable<Integer> {
  @Mixin LakehouseOptions lakehouse = new LakehouseOptions();

  @Override
  public Integer call() {
    LayerContext ctx = LayerContext.open("marketlake-predictions", lakehouse);
    Predictions.print(Predictions.latest(ctx), System.out);
    Predictions.HitRate hits = Predictions.hitRate(ctx);
    System.out.printf(Locale.ROOT, "model v%d so far: %d predictions, %d with an outcome, hit rate"
        + " %s%n", hits.modelVersion(), hits.predictions(), hits.withOutcome(),
        hits.withOutcome() == 0 ? "n/a (no horizon has passed yet)"
            : String.format(Locale.ROOT, "%.3f", hits.rate()));
    return Cli.OK;
  }

  public static void main(String[] args) {
    Cli.finish(Cli.run(new PredictionsCommand(), args));
  }
}

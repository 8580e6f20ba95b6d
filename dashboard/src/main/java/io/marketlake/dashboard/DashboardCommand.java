package io.marketlake.dashboard;

import io.marketlake.common.Cli;
import io.marketlake.common.LakehouseOptions;
import io.marketlake.common.UsageException;
import io.marketlake.common.spark.LayerContext;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dashboard}: serves the live dashboard over a lakehouse until Ctrl-C. */
@Command(name = "dashboard", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Serve the dashboard (candles, predictions, freshness, quality, models) on"
        + " 127.0.0.1 over the lakehouse's tables; it refreshes itself. Ctrl-C stops it.")
public final class DashboardCommand implements Callable<Integer> {
  public static final int DEFAULT_PORT = 8321;

  @Mixin LakehouseOptions lakehouse = new LakehouseOptions();

  @Option(names = "--port", defaultValue = "" + DEFAULT_PORT,
      description = "Port on 127.0.0.1; 0 for a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--refresh", defaultValue = "2s", paramLabel = "DURATION",
      description = "How long an answer is reused before the tables are read again"
          + " (default: ${DEFAULT-VALUE}).")
  String refresh;

  /** The one check of a dashboard port, for this command and {@code live}. */
  public static void requirePort(int port) {
    if (port < 0 || port > 65535) throw new UsageException("--port must be 0 to 65535, got " + port);
  }

  @Override
  public Integer call() throws Exception {
    requirePort(port);
    Duration maxAge = io.marketlake.common.Durations.parse("--refresh", refresh);
    LayerContext ctx = LayerContext.open("marketlake-dashboard", lakehouse);
    ctx.spark().sparkContext().setLogLevel("WARN");
    ExchangeTimeline timeline = ExchangeTimeline.readOrReal(lakehouse.workdir());
    CountDownLatch stopped = new CountDownLatch(1);
    try (DashboardServer server = DashboardServer.start(new LakehouseData(ctx, timeline),
        "127.0.0.1", port, maxAge)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "dashboard-stop"));
      System.out.println("dashboard: " + server.uri() + " (Ctrl-C stops it)");
      stopped.await();
    }
    return Cli.OK;
  }

  public static void main(String[] args) {
    Cli.finish(Cli.run(new DashboardCommand(), args));
  }
}

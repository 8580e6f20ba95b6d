package io.marketlake.launcher;

import io.marketlake.common.Cli;
import io.marketlake.common.Defaults;
import io.marketlake.common.Durations;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import io.marketlake.common.Symbols;
import io.marketlake.common.Topics;
import io.marketlake.ingest.IngestConfig;
import io.marketlake.dashboard.DashboardCommand;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code live}: the pipeline kept running, with the dashboard: on a local stack of its own, or on
 * real services given by the endpoint options the layer commands take.
 */
@Command(name = "live", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run the pipeline continuously: poll the exchange, stream bronze -> silver ->"
        + " gold, score every new minute, retrain on a schedule, and serve the dashboard on"
        + " 127.0.0.1. Without --bootstrap-servers and --lakehouse it starts its own local stack"
        + " with a simulated exchange. Ctrl-C stops it; running it again with the same --workdir"
        + " resumes.")
public final class LiveCommand implements Callable<Integer> {
  static final Path DEFAULT_WORKDIR = Path.of(".marketlake", "live");

  @Option(names = "--workdir", paramLabel = "DIR",
      description = "Where the local stack, tables and checkpoints live, or with real services the"
          + " poller's marks, logs and the clock (default: .marketlake/live); a second run with"
          + " the same DIR resumes.")
  Path workdir = DEFAULT_WORKDIR;

  @Option(names = "--symbols", defaultValue = Defaults.SYMBOLS_CSV,
      description = "Symbols to poll (default: ${DEFAULT-VALUE}).")
  String symbols;

  @Option(names = "--exchange-speed", defaultValue = "1", paramLabel = "N",
      description = "Exchange minutes per wall minute: 60 shows a new candle every second"
          + " (default: ${DEFAULT-VALUE}).")
  double exchangeSpeed;

  @Option(names = "--history", defaultValue = "24h", paramLabel = "DURATION",
      description = "Exchange time backfilled before polling, on the first run only: the first"
          + " model learns from it (default: ${DEFAULT-VALUE}).")
  String history;

  @Option(names = "--trigger", defaultValue = LiveConfig.DEFAULT_TRIGGER, paramLabel = "DURATION",
      description = "Micro-batch interval of bronze, silver and gold: a new candle waits for the"
          + " next trigger at each layer (default: ${DEFAULT-VALUE}).")
  String trigger;

  @Option(names = "--score-every", defaultValue = "2s", paramLabel = "DURATION",
      description = "New minutes are scored as soon as silver commits them, and at least this"
          + " often (default: ${DEFAULT-VALUE}).")
  String scoreEvery;

  @Option(names = "--retrain-every", defaultValue = "1h", paramLabel = "DURATION",
      description = "How often a new model is trained, in wall time (default: ${DEFAULT-VALUE}).")
  String retrainEvery;

  @Option(names = "--port", defaultValue = "" + DashboardCommand.DEFAULT_PORT,
      description = "Dashboard port on 127.0.0.1; 0 for a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the simulated exchange's price paths (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--horizon", defaultValue = "" + Defaults.HORIZON_MINUTES,
      paramLabel = "MINUTES", description = "Prediction horizon (default: ${DEFAULT-VALUE}).")
  int horizon;

  @picocli.CommandLine.ArgGroup(exclusive = false, heading = "%nReal services instead of the"
      + " local stack (--bootstrap-servers and --lakehouse together):%n")
  RealServices real;

  /** The endpoint options of ingest and the layer commands, under the same names. */
  static final class RealServices {
    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT",
        description = "Kafka bootstrap servers (MSK, Confluent, ...).")
    String bootstrapServers;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
        description = "Kafka client property for the producer and bronze's consumer alike,"
            + " repeatable, e.g. security.protocol=SASL_SSL.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--topic", defaultValue = Topics.MARKET_DATA, paramLabel = "NAME",
        description = "Kafka topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--base-url", defaultValue = IngestConfig.DEFAULT_BASE_URL, paramLabel = "URL",
        description = "The exchange's API, Binance's format (default: ${DEFAULT-VALUE}).")
    String baseUrl;

    @Option(names = "--lakehouse", required = true, paramLabel = "URI",
        description = "Lakehouse root holding every table and checkpoint, e.g."
            + " s3a://my-bucket/marketlake.")
    String lakehouse;

    @Option(names = "--s3-endpoint", paramLabel = "URL",
        description = "S3-compatible endpoint. Omit for AWS S3.")
    String s3Endpoint;

    @Option(names = "--s3-region", defaultValue = S3Settings.DEFAULT_REGION, paramLabel = "REGION",
        description = "S3 signing region (default: ${DEFAULT-VALUE}).")
    String s3Region;

    @Option(names = "--s3-access-key", paramLabel = "KEY",
        description = "Static key for an S3-compatible server only. Omit on AWS: the default"
            + " credentials chain is used.")
    String s3AccessKey;

    @Option(names = "--s3-secret-key", paramLabel = "SECRET", description = "See --s3-access-key.")
    String s3SecretKey;

    @Option(names = "--master", defaultValue = Defaults.SPARK_MASTER, paramLabel = "MASTER",
        description = "Spark master when not run by spark-submit (default: ${DEFAULT-VALUE}).")
    String master;

    LiveServices toServices() {
      Map<String, String> kafka = new LinkedHashMap<>(kafkaProperties);
      kafka.put("bootstrap.servers", bootstrapServers);
      return new LiveServices(baseUrl, kafka, topic, new Lakehouse(lakehouse),
          new S3Settings(s3Endpoint, s3Region, s3AccessKey, s3SecretKey), master);
    }
  }

  /** The run's settings from the parsed options (tests run live in-process with them). */
  public LiveConfig toConfig() {
    return new LiveConfig(workdir.toAbsolutePath().normalize(), Symbols.parse(symbols),
        exchangeSpeed, Durations.parse("--history", history),
        Durations.parse("--trigger", trigger), Durations.parse("--score-every", scoreEvery),
        Durations.parse("--retrain-every", retrainEvery), port, seed, horizon,
        real == null ? null : real.toServices());
  }

  @Override
  public Integer call() throws Exception {
    LiveConfig config = toConfig();
    Live live = new Live(config, System.out);
    // Ctrl-C / SIGTERM: stop every part in order before the JVM starts shutting down. As a JVM
    // shutdown hook the stop would run at the same time as Spark's own hook (SparkContext.stop)
    // and the embedded stack's (its S3 and Kafka JVMs), and lose the race: queries failing
    // mid-MERGE, leases left held, exit 1. So the signals only ask live to stop; the hook below
    // is for any other way the JVM ends (System.exit elsewhere, a second signal).
    java.util.Map<String, sun.misc.SignalHandler> jvmHandlers = new java.util.HashMap<>();
    sun.misc.SignalHandler stopLive = signal -> {
      System.err.println("live: SIG" + signal.getName() + " received: stopping (again to force)");
      // A second signal takes the JVM's usual way out: the shutdown hook below.
      jvmHandlers.forEach((name, handler) -> sun.misc.Signal.handle(new sun.misc.Signal(name),
          handler));
      Thread stopper = new Thread(live::stop, "live-stop");
      stopper.setDaemon(true);
      stopper.start();
    };
    for (String name : new String[] {"INT", "TERM"}) {
      jvmHandlers.put(name, sun.misc.Signal.handle(new sun.misc.Signal(name), stopLive));
    }
    CountDownLatch drained = new CountDownLatch(1);
    AtomicInteger exitCode = new AtomicInteger(Cli.OK);
    Thread hook = new Thread(() -> {
      live.stop();
      try {
        drained.await(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(exitCode.get());
    }, "live-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Live.LiveResult result = live.run();
      System.out.printf("live: stopped; %d predictions written, %d models trained this run,"
          + " exchange clock at %s. Run it again with --workdir %s to resume.%n",
          result.predictionsWritten(), result.modelsTrained(), result.exchangeReached(),
          config.workdir());
      return Cli.OK;
    } catch (Exception e) {
      exitCode.set(Cli.exitCodeOf(e));   // the hook's halt must not turn a failure into 0
      throw e;
    } finally {
      drained.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);   // ended by itself: no halt at JVM exit
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook ends it with the run's exit code
      }
    }
  }
}

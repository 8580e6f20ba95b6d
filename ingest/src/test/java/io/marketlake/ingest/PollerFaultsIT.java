package io.marketlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketlake.stack.ExchangeOptions;
import io.marketlake.stack.KafkaBroker;
import io.marketlake.stack.SimulatedExchange;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poller against a real Kafka broker (its own JVM) and the simulated exchange on an
 * accelerated clock (one exchange minute per real second): a broker outage and a killed poller
 * must both leave every (symbol, open_time) in the topic exactly once, without gaps.
 */
class PollerFaultsIT {
  static final Instant EXCHANGE_START = Instant.parse("2026-02-01T12:00:00Z");
  static final double SPEED = 60;
  /** Every symbol resumes from here: ten minutes before the exchange's start, a gap to fill. */
  static final long FIRST = EXCHANGE_START.toEpochMilli() - 10 * 60_000;
  static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT");
  static final Duration OUTAGE = Duration.ofSeconds(30);
  /** Each check reads the topic with a new consumer: not more often than this. */
  static final Duration POLL = Duration.ofMillis(500);

  @TempDir static Path brokerDir;
  static KafkaBroker broker;

  @TempDir Path stateDir;
  SimulatedExchange exchange;
  String topic;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start(brokerDir);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) broker.close();
  }

  @BeforeEach
  void startExchange() throws Exception {
    exchange = SimulatedExchange.start(ExchangeOptions.defaults()
        .withClock(io.marketlake.stack.SimulatedClock.accelerated(EXCHANGE_START, SPEED)));
    topic = "ingest-it-" + UUID.randomUUID().toString().substring(0, 8);
    IngestState state = IngestState.under(stateDir, "binance", topic);
    for (String symbol : SYMBOLS) state.pollReached(symbol, FIRST - 60_000);
  }

  @AfterEach
  void stopExchange() {
    exchange.close();
  }

  long exchangeNow() {
    return exchange.options().clock().nowMillis();
  }

  TopicContents topic() {
    return TopicContents.read(broker.bootstrapServers(), topic);
  }

  boolean everySymbolReached(long openTime) {
    TopicContents contents = topic();
    return SYMBOLS.stream().allMatch(s -> contents.newest(s) >= openTime);
  }

  /** Each symbol holds every minute from FIRST to its newest exactly once. */
  static void assertExactlyOnceWithoutGaps(TopicContents contents, long atLeastUpTo) {
    assertThat(contents.distinctCandles()).isEqualTo(contents.messages().size());
    for (String symbol : SYMBOLS) {
      long newest = contents.newest(symbol);
      assertThat(newest).as("newest %s", symbol).isGreaterThanOrEqualTo(atLeastUpTo);
      assertThat(contents.openTimes(symbol)).as(symbol)
          .containsExactlyElementsOf(TopicContents.minutes(FIRST, newest));
    }
  }

  /**
   * The long variant of BrokerRestartIT's fault (the broker stopped during live polling, checked
   * there through bronze and silver): the fault suite's, {@code -Pfault-suite}.
   */
  @Test
  @EnabledIfSystemProperty(named = "marketlake.fault.suite", matches = "true",
      disabledReason = "the fault suite's long variant: ./mvnw verify -Pfault-suite")
  void aBrokerDownFor30SecondsLosesNoMinuteAndDuplicatesNone() throws Exception {
    IngestConfig config = IngestConfig.of(exchange.baseUrl(), SYMBOLS, broker.bootstrapServers())
        .withTopic(topic).withStateDir(stateDir);
    AtomicReference<PollJob> job = new AtomicReference<>();
    CompletableFuture<PollResult> polling = CompletableFuture.supplyAsync(() -> {
      ActivityLog log = new ActivityLog(new PrintWriter(System.err, true), Clock.systemUTC());
      try (IngestRuntime rt = IngestRuntime.open(config, log)) {
        job.set(Poller.create(config, rt));
        return job.get().run(0, null);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    await().pollInterval(POLL).atMost(Duration.ofSeconds(60))
        .until(() -> everySymbolReached(EXCHANGE_START.toEpochMilli()));

    long outageBegan = System.nanoTime();
    broker.stop();
    // The poller keeps running through the outage: fetching, blocked on Kafka, never failing.
    await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10)).until(() -> !polling.isDone());
    broker.restart();
    long backAt = exchangeNow();
    System.out.printf("broker down for %.1f s (%d exchange minutes)%n",
        (System.nanoTime() - outageBegan) / 1e9, Duration.ofSeconds((long) (OUTAGE.toSeconds()
            * SPEED)).toMinutes());
    await().pollInterval(POLL).atMost(Duration.ofSeconds(60))
        .until(() -> everySymbolReached(backAt));
    job.get().stop();
    PollResult result = polling.get(60, TimeUnit.SECONDS);

    TopicContents contents = topic();
    assertExactlyOnceWithoutGaps(contents, backAt);
    assertThat(result.candles()).isEqualTo(contents.messages().size());
    assertThat(result.failedFetches()).isZero();
  }

  @Test
  void aKilledPollerResumesWithoutGapOrDuplicate() throws Exception {
    Path logFile = stateDir.resolve("poller.log");
    Process first = startPoller(logFile);
    try {
      await().pollInterval(POLL).atMost(Duration.ofSeconds(60)).until(
          () -> everySymbolReached(EXCHANGE_START.toEpochMilli() + 5 * 60_000));
    } finally {
      first.destroyForcibly(); // SIGKILL: no flush, no shutdown hook, no state save
      first.waitFor(30, TimeUnit.SECONDS);
    }
    long killedAt = exchangeNow();
    // The resume point read back from the topic is the topic's true newest minute...
    TopicContents afterKill = topic();
    assertThat(TopicTail.lastPolledMinutes(Map.of("bootstrap.servers", broker.bootstrapServers()),
        topic, "binance", SYMBOLS, 100))
        .containsEntry("BTCUSDT", afterKill.newest("BTCUSDT"))
        .containsEntry("ETHUSDT", afterKill.newest("ETHUSDT"));
    // ...so a state file that lags it (the kill fell between Kafka's ack and the state write)
    // costs no duplicate.
    Path btcState = stateDir.resolve("binance").resolve(topic).resolve("BTCUSDT.poll-hwm");
    Files.writeString(btcState, (afterKill.newest("BTCUSDT") - 5 * 60_000) + "\n");

    Instant until = Instant.ofEpochMilli((killedAt / 60_000 + 5) * 60_000);
    Process second = startPoller(logFile, "--until", until.toString());
    assertThat(second.waitFor(90, TimeUnit.SECONDS)).as("second poller finished").isTrue();
    assertThat(second.exitValue()).as(Files.readString(logFile)).isZero();

    TopicContents contents = topic();
    assertExactlyOnceWithoutGaps(contents, until.toEpochMilli() - 60_000);
    assertThat(contents.countPerSymbol().values())
        .containsOnly((until.toEpochMilli() - FIRST) / 60_000);
  }

  @Test
  void sigtermFlushesSavesTheResumePointAndExitsZero() throws Exception {
    Path logFile = stateDir.resolve("poller.log");
    Process poller = startPoller(logFile);
    await().pollInterval(POLL).atMost(Duration.ofSeconds(60)).until(
        () -> everySymbolReached(EXCHANGE_START.toEpochMilli() + 3 * 60_000));
    poller.destroy();   // SIGTERM, as a service manager stops it
    assertThat(poller.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();

    String log = Files.readString(logFile);
    assertThat(poller.exitValue()).as(log).isZero();
    assertThat(log).contains("poll: ").contains(" cycles, ");
    TopicContents contents = topic();
    assertExactlyOnceWithoutGaps(contents, EXCHANGE_START.toEpochMilli() + 3 * 60_000);
    // Everything published was acknowledged before the exit, and the resume points say so.
    IngestState state = IngestState.under(stateDir, "binance", topic);
    for (String symbol : SYMBOLS) {
      assertThat(state.pollMark(symbol)).as(symbol).hasValue(contents.newest(symbol));
    }
  }

  /** {@code ingest poll} in a JVM of its own, on this test's classpath. */
  Process startPoller(Path log, String... extra) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        IngestCommand.class.getName(), "poll",
        "--base-url", exchange.baseUrl(), "--symbols", String.join(",", SYMBOLS),
        "--bootstrap-servers", broker.bootstrapServers(), "--topic", topic,
        "--state-dir", stateDir.toString(), "--poll-delay", "2s"));
    command.addAll(List.of(extra));
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  @Test
  void theResumePointReadFromTheTopicIgnoresABackfillPublishedAfterThePoller() throws Exception {
    Map<String, String> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
    TopicCreator.ensure(KafkaClientProperties.admin(kafka), topic, 1, (short) 1);
    long friday1800 = Instant.parse("2026-01-30T18:00:00Z").toEpochMilli();
    long sunday = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();
    try (MarketPublisher publisher = new MarketPublisher(new org.apache.kafka.clients.producer
        .KafkaProducer<>(KafkaClientProperties.producer(kafka)), topic)) {
      publisher.publish(List.of(TopicTailTest.candle("BTCUSDT", friday1800 - 60_000),
          TopicTailTest.candle("BTCUSDT", friday1800)), MarketPublisher.WRITER_POLL);
      publisher.publish(List.of(TopicTailTest.candle("BTCUSDT", sunday),
          TopicTailTest.candle("BTCUSDT", sunday + 60_000)), MarketPublisher.WRITER_BACKFILL);
    }

    assertThat(TopicTail.lastPolledMinutes(kafka, topic, "binance", SYMBOLS, 100))
        .containsExactly(Map.entry("BTCUSDT", friday1800));
  }

  @Test
  void pollUntilExitsOneNamingTheSymbolThatStoppedShort() throws Exception {
    try (TestExchange rejecting = new TestExchange(new FakeTime(Instant.now()), 0,
        Duration.ofSeconds(5))) {
      FakeBinance binance = new FakeBinance(System::currentTimeMillis);
      binance.rejected.add("ETHUSDT");
      rejecting.server.setDispatcher(binance);
      // An --until already passed: the run fills up to it and ends at once.
      Instant until = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
          .minus(Duration.ofMinutes(2));
      io.marketlake.common.CommandRun run = io.marketlake.common.CommandRun.of(
          new IngestCommand(), "poll", "--base-url", rejecting.baseUrl().toString(), "--symbols",
              "BTCUSDT,ETHUSDT", "--bootstrap-servers", broker.bootstrapServers(), "--topic",
              topic, "--state-dir", stateDir.resolve("fresh").toString(), "--until",
              until.toString());

      assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
      assertThat(run.err().lines().filter(l -> l.startsWith("error: "))).singleElement()
          .asString().startsWith("error: poll stopped short of --until " + until + " for 1 of 2"
              + " symbols: ETHUSDT has every minute before ");
      assertThat(topic().openTimes("BTCUSDT")).contains(until.toEpochMilli() - 60_000);
    }
  }
}

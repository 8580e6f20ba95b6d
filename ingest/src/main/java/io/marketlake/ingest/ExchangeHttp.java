package io.marketlake.ingest;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * GETs from one exchange host with its rules applied: every request reserves its weight in the
 * {@link WeightBudget} first; a 429 pauses every request to the host for {@code Retry-After} (and
 * fills the local budget to the exchange's reported weight, or to the brim without a report); a
 * 418 (IP ban) stops every request to the host until the ban ends; 5xx, timeouts, connection
 * errors and malformed bodies are retried with jittered exponential backoff up to
 * {@link RetryPolicy#maxRetries()} times, then fail with a {@link SourceException} for that request
 * only. Thread-safe: one instance serves all symbols of a source.
 */
final class ExchangeHttp {
  static final String USED_WEIGHT_HEADER = "X-MBX-USED-WEIGHT-1M";
  static final Duration DEFAULT_429_PAUSE = Duration.ofSeconds(60);
  static final Duration DEFAULT_BAN = Duration.ofMinutes(2);

  /**
   * Turns a 2xx body into a value, or says why it cannot: malformed (fetched again) or an error the
   * exchange reported inside a 2xx body (final).
   */
  @FunctionalInterface
  interface BodyParser<T> {
    T parse(String body) throws MalformedPayloadException, ExchangeRejectedException;
  }

  private final OkHttpClient client;
  private final WeightBudget budget;
  private final RetryPolicy retry;
  private final Clock clock;
  private final Sleeper sleeper;
  private final IngestStats stats;
  private final ActivityLog log;
  /** Epoch ms before which no request may go to this host (429 pause or 418 ban). */
  private volatile long blockedUntil;

  ExchangeHttp(OkHttpClient client, WeightBudget budget, RetryPolicy retry, Clock clock,
      Sleeper sleeper, IngestStats stats, ActivityLog log) {
    this.client = client;
    this.budget = budget;
    this.retry = retry;
    this.clock = clock;
    this.sleeper = sleeper;
    this.stats = stats;
    this.log = log;
  }

  /** The one client per process: explicit timeouts, so a stalled exchange becomes a retry. */
  static OkHttpClient newClient(Duration timeout) {
    return new OkHttpClient.Builder()
        .connectTimeout(Math.min(timeout.toMillis(), 5_000), TimeUnit.MILLISECONDS)
        .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .callTimeout(timeout.toMillis() * 2, TimeUnit.MILLISECONDS)
        // Only for a pooled connection the server closed while idle (poll cycles and paced
        // backfills wait up to a minute between requests): OkHttp re-sends on a fresh one.
        // Timeouts, resets and bad answers are the RetryPolicy's, which counts them.
        .retryOnConnectionFailure(true)
        .build();
  }

  WeightBudget budget() {
    return budget;
  }

  /** Name of what is being fetched ({@code what}) appears in errors and log lines. */
  <T> T get(HttpUrl url, int weight, String what, BodyParser<T> parser)
      throws IOException, InterruptedException {
    return get(url, Map.of(), weight, what, parser);
  }

  /** As {@link #get(HttpUrl, int, String, BodyParser)}, with request headers (API keys...). */
  <T> T get(HttpUrl url, Map<String, String> headers, int weight, String what,
      BodyParser<T> parser) throws IOException, InterruptedException {
    Request.Builder builder = new Request.Builder().url(url).get();
    headers.forEach(builder::header);
    Request httpRequest = builder.build();
    String request = "GET " + url.encodedPath() + " for " + what;
    int attempt = 0;
    while (true) {
      awaitHostOpen();
      long window = budget.acquire(weight);
      stats.requests.incrementAndGet();
      stats.weight.addAndGet(weight);
      IOException failure;
      try (Response response = client.newCall(httpRequest).execute()) {
        observeWeight(window, response);
        int code = response.code();
        String body = response.body().string();
        if (response.isSuccessful()) {
          try {
            return parser.parse(body);
          } catch (MalformedPayloadException e) {
            stats.malformed.incrementAndGet();
            log.warn("malformed payload for " + what + " (" + url.encodedPath() + "), counted and"
                + " fetched again: " + e.getMessage());
            failure = e;
          }
        } else if (code == 429) {
          stats.rateLimited.incrementAndGet();
          // The weight header (adopted above) says how full the window really is; without one,
          // assume it is full. Either way Retry-After says when the host takes requests again.
          if (response.header(USED_WEIGHT_HEADER) == null) budget.exhaust();
          Duration pause = retryAfter(response, DEFAULT_429_PAUSE);
          block(pause);
          log.warn("HTTP 429 for " + what + ": pausing all requests to " + url.host() + " for "
              + pause.toSeconds() + " s (Retry-After)");
          continue; // the exchange told us when to come back: not a failed attempt
        } else if (code == 418) {
          stats.bans.incrementAndGet();
          Duration ban = retryAfter(response, DEFAULT_BAN);
          block(ban);
          log.warn("HTTP 418 (IP banned) for " + what + ": no requests to " + url.host()
              + " until " + Instant.ofEpochMilli(blockedUntil));
          continue;
        } else {
          HttpStatusException e = new HttpStatusException(request, code, body);
          if (!e.retryable()) throw e;
          failure = e;
        }
      } catch (HttpStatusException | ExchangeRejectedException e) {
        throw e;
      } catch (InterruptedIOException e) {
        if (Thread.currentThread().isInterrupted()) throw interrupted(e);
        failure = e; // a timeout
      } catch (IOException e) {
        failure = e; // connection refused/reset, truncated stream
      }
      attempt++;
      if (attempt > retry.maxRetries()) {
        throw new SourceException(request + " failed after " + attempt + " attempts: "
            + describe(failure), failure);
      }
      stats.retries.incrementAndGet();
      Duration wait = retry.backoff(attempt);
      log.warn(request + " failed (" + describe(failure) + "), retry " + attempt + "/"
          + retry.maxRetries() + " in " + wait.toMillis() + " ms");
      sleeper.sleep(wait);
    }
  }

  private void awaitHostOpen() throws InterruptedException {
    while (true) {
      long wait = blockedUntil - clock.millis();
      if (wait <= 0) return;
      sleeper.sleep(Duration.ofMillis(wait));
    }
  }

  private synchronized void block(Duration pause) {
    blockedUntil = Math.max(blockedUntil, clock.millis() + pause.toMillis());
  }

  private void observeWeight(long window, Response response) {
    String used = response.header(USED_WEIGHT_HEADER);
    if (used == null) return;
    try {
      budget.observe(window, Integer.parseInt(used.trim()));
    } catch (NumberFormatException ignored) {
      // a garbled header must not fail an otherwise good response
    }
  }

  static Duration retryAfter(Response response, Duration fallback) {
    String value = response.header("Retry-After");
    if (value == null) return fallback;
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
    } catch (NumberFormatException e) {
      return fallback; // HTTP-date form: exchanges we talk to send seconds
    }
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : Excerpts.of(message);
  }

  private static InterruptedException interrupted(Exception cause) {
    InterruptedException e = new InterruptedException("interrupted during request");
    e.initCause(cause);
    return e;
  }
}

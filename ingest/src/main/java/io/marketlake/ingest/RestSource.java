package io.marketlake.ingest;

import java.time.Clock;
import okhttp3.HttpUrl;

/**
 * What every REST source shares: its base URL, the paced and retrying HTTP client, its counters and
 * clock. Sources without a time endpoint run on real time, so the local clock is their server time.
 */
abstract class RestSource implements ExchangeSource {
  protected final HttpUrl baseUrl;
  protected final ExchangeHttp http;
  protected final IngestStats stats;
  protected final Clock clock;
  private final String name;

  RestSource(String name, HttpUrl baseUrl, ExchangeHttp http, IngestStats stats, Clock clock) {
    this.name = name;
    this.baseUrl = baseUrl;
    this.http = http;
    this.stats = stats;
    this.clock = clock;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final IngestStats stats() {
    return stats;
  }

  @Override
  public final WeightBudget budget() {
    return http.budget();
  }

  @Override
  public long serverTimeMillis() throws java.io.IOException, InterruptedException {
    return clock.millis();
  }
}

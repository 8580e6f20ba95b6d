package io.marketlake.ingest;

import io.marketlake.common.MarketMessage;
import java.io.IOException;
import java.util.List;

/**
 * An API without 1-minute history that answers "the price now" (CoinGecko): each call returns one
 * {@link MarketMessage#KIND_SNAPSHOT} message per symbol it knows a price for, whose {@code
 * open_time} is the source's last-update time. Polling only; there is nothing to backfill.
 */
interface SnapshotSource extends ExchangeSource {
  /** The latest snapshot of each symbol, in the order given; unknown or unpriced ones absent. */
  List<MarketMessage> snapshots(List<String> symbols) throws IOException, InterruptedException;
}

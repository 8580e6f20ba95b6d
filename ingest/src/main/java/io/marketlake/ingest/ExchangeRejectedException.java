package io.marketlake.ingest;

import java.io.IOException;

/**
 * The exchange answered with an error object of its own (Yahoo's {@code chart.error}, say): the
 * request is wrong for this symbol, so it is not retried.
 */
final class ExchangeRejectedException extends IOException {
  ExchangeRejectedException(String message) {
    super(message);
  }
}

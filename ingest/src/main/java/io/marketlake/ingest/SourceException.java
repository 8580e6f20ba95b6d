package io.marketlake.ingest;

import java.io.IOException;

/** A request that still failed after the bounded retries: fatal for that symbol only. */
final class SourceException extends IOException {
  SourceException(String message, Throwable cause) {
    super(message, cause);
  }
}

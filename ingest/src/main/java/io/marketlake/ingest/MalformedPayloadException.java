package io.marketlake.ingest;

import java.io.IOException;

/** A 2xx body that does not have the documented shape (truncated JSON, a short kline array...). */
final class MalformedPayloadException extends IOException {
  MalformedPayloadException(String what, String excerpt) {
    super(what + ": " + excerpt);
  }
}

package io.marketlake.ingest;

import java.io.IOException;

/** A non-2xx answer from an exchange: carries the status and a short excerpt of the body. */
final class HttpStatusException extends IOException {
  private final int status;
  private final String excerpt;

  HttpStatusException(String request, int status, String excerpt) {
    super(request + " answered HTTP " + status + (excerpt.isEmpty() ? "" : ": " + excerpt));
    this.status = status;
    this.excerpt = excerpt;
  }

  int status() {
    return status;
  }

  String excerpt() {
    return excerpt;
  }

  boolean retryable() {
    return status >= 500;
  }
}

package io.marketlake.ingest;

import java.io.IOException;

/** A non-2xx answer from an exchange: carries the status and a short excerpt of the body. */
final class HttpStatusException extends IOException {
  private final int status;
  /** Bodies are kept up to this length, enough for any JSON error object. */
  static final int MAX_BODY = 4096;
  private final String excerpt;
  private final String body;

  HttpStatusException(String request, int status, String body) {
    this(request, status, Excerpts.of(body), body);
  }

  private HttpStatusException(String request, int status, String excerpt, String body) {
    super(request + " answered HTTP " + status + (excerpt.isEmpty() ? "" : ": " + excerpt));
    this.status = status;
    this.excerpt = excerpt;
    this.body = body == null ? "" : body.length() <= MAX_BODY ? body : body.substring(0, MAX_BODY);
  }

  /** The response body (up to {@value #MAX_BODY} characters), for sources that parse errors. */
  String body() {
    return body;
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

package io.marketlake.common;

/** Bad input from the user: the CLI prints the message alone and exits with code 2. */
public class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}

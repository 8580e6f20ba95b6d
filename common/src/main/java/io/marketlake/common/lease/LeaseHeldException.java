package io.marketlake.common.lease;

/**
 * Another writer holds the job's lease: this one must not start. The CLI prints the message
 * alone and exits with {@link io.marketlake.common.Cli#LEASE_HELD}.
 */
public final class LeaseHeldException extends RuntimeException {
  private final transient LeaseRecord holder;

  LeaseHeldException(String message, LeaseRecord holder) {
    super(message);
    this.holder = holder;
  }

  /** The holder's record, or null when its object could not be read. */
  public LeaseRecord holder() {
    return holder;
  }
}

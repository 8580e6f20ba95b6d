package io.marketlake.common.lease;

/**
 * This writer's lease was taken over, deleted, or could not be renewed in time: the job was
 * stopped, since another writer may now be running.
 */
public final class LeaseLostException extends RuntimeException {
  LeaseLostException(String message) {
    super(message);
  }
}

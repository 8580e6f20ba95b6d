package io.marketlake.common.lease;

/** The jobs that write tables or checkpoints, each with one lease per lakehouse. */
public enum LeasedJob {
  BRONZE("bronze"),
  SILVER("silver"),
  GOLD("gold"),
  /** {@code gold-5m}: the live 5m view, its own checkpoint and tables. */
  GOLD_5M("gold-5m"),
  TRAIN("train");

  private final String id;

  LeasedJob(String id) {
    this.id = id;
  }

  /** The lease's name, its folder under {@code _leases/}. */
  public String id() {
    return id;
  }
}

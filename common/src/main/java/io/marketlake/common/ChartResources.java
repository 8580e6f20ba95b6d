package io.marketlake.common;

/**
 * The candle chart script and stylesheet that the live dashboard serves and the report inlines,
 * so both pages draw and look alike from one copy. Classpath resources of this module's jar.
 */
public final class ChartResources {
  /** Defines the global {@code MarketlakeCharts}; load it after ECharts, before the page's own. */
  public static final String SCRIPT = "io/marketlake/common/web/charts.js";
  /** The shared rules; load it before the page's own stylesheet, which builds on it. */
  public static final String STYLE = "io/marketlake/common/web/charts.css";

  private ChartResources() {}
}

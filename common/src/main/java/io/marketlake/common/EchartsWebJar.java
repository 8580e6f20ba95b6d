package io.marketlake.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Apache ECharts' minified build inside its WebJar ({@code org.webjars.npm:echarts}), which the
 * dashboard serves and the report inlines. The path holds the version, read from the jar's own
 * Maven metadata, so that a version bump in the parent pom needs no code change.
 */
public final class EchartsWebJar {
  private static final String POM = "META-INF/maven/org.webjars.npm/echarts/pom.properties";

  private EchartsWebJar() {}

  /** The classpath resource of {@code echarts.min.js}. */
  public static String minJsPath() {
    try (InputStream in = EchartsWebJar.class.getClassLoader().getResourceAsStream(POM)) {
      if (in == null) {
        throw new IllegalStateException("The ECharts WebJar (org.webjars.npm:echarts) is not on"
            + " the classpath: " + POM + " is missing");
      }
      Properties pom = new Properties();
      pom.load(in);
      return "META-INF/resources/webjars/echarts/" + pom.getProperty("version")
          + "/dist/echarts.min.js";
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + POM + " from the classpath", e);
    }
  }
}

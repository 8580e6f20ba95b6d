package io.marketlake.it;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The layers' spark-submit jars as the reactor built them ({@code <module>/target/*-spark.jar}),
 * and class loaders that see a jar the way a cluster does: Spark, Delta, the Kafka connector and
 * S3A from the cluster, every marketlake class and picocli from the jar alone.
 */
final class LayerJars {
  private LayerJars() {}

  /** The project root: the it module's parent. */
  static Path projectRoot() {
    String multiModule = System.getProperty("maven.multiModuleProjectDirectory");
    Path basedir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    Path root = Files.isDirectory(basedir.resolve("it")) ? basedir : basedir.getParent();
    if (!Files.isRegularFile(root.resolve("pom.xml")) && multiModule != null) {
      root = Path.of(multiModule).toAbsolutePath().normalize();
    }
    return root;
  }

  /**
   * A layer jar by file name, e.g. {@code marketlake-gold-0.1.0-SNAPSHOT-spark.jar}, found in the
   * target directory of the module its name gives.
   */
  static Path jar(String fileName) {
    if (!fileName.matches("marketlake-[a-z]+-.+-spark\\.jar")) {
      throw new AssertionError("Not a layer jar name: '" + fileName
          + "'; expected marketlake-<module>-<version>-spark.jar");
    }
    String module = fileName.split("-")[1];
    Path jar = projectRoot().resolve(module).resolve("target").resolve(fileName);
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError("Missing " + jar + ": build the layer jars first"
          + " (./mvnw -pl " + module + " -am package -DskipTests, or ./mvnw verify from the root)");
    }
    return jar;
  }

  /** The test classpath less marketlake's own classes and picocli: what a cluster provides. */
  static String clusterClasspath() {
    String full = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    return Arrays.stream(full.split(File.pathSeparator))
        .filter(p -> !p.contains("marketlake-") && !p.contains("/target/classes")
            && !p.contains("/target/test-classes") && !p.contains("picocli"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** A loader over {@code jar} whose parent holds only the cluster's classes. */
  static URLClassLoader clusterLoader(Path jar) {
    URL[] cluster = Arrays.stream(clusterClasspath().split(File.pathSeparator))
        .filter(p -> !p.isBlank()).map(LayerJars::url).toArray(URL[]::new);
    URLClassLoader parent = new URLClassLoader("cluster", cluster,
        ClassLoader.getPlatformClassLoader());
    return new URLClassLoader("layer-jar", new URL[] {url(jar.toString())}, parent);
  }

  private static URL url(String path) {
    try {
      return Path.of(path).toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(path, e);
    }
  }
}

package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Databricks job definition ({@code notebooks/jobs/marketlake-pipeline.json}, Jobs API 2.1 as
 * {@code databricks jobs create --json @FILE} takes it): it parses, its tasks form the DAG
 * bronze → silver → gold → train, each task's main class is in the jar the task installs and
 * accepts the task's parameters, the clusters run Spark 4 and hold no credentials.
 */
class DatabricksJobTest {
  static final Path JOB = LayerJars.projectRoot().resolve("notebooks/jobs/marketlake-pipeline.json");
  private static final Pattern REFERENCE = Pattern.compile("\\{\\{\\s*([^}]+?)\\s*}}");

  private static JsonNode job;

  @BeforeAll
  static void parse() throws IOException {
    job = new ObjectMapper().readTree(Files.readString(JOB));
  }

  @Test
  void tasksRunBronzeSilverGoldTrainInThatOrderWithoutCycles() {
    assertThat(topologicalOrder(job)).containsExactly("bronze", "silver", "gold", "train");
    Map<String, String> mains = new LinkedHashMap<>();
    job.get("tasks").forEach(t -> mains.put(t.get("task_key").asText(),
        t.get("spark_jar_task").get("main_class_name").asText()));
    assertThat(mains).containsExactly(
        Map.entry("bronze", "io.marketlake.bronze.BronzeCommand"),
        Map.entry("silver", "io.marketlake.silver.SilverCommand"),
        Map.entry("gold", "io.marketlake.gold.GoldCommand"),
        Map.entry("train", "io.marketlake.gold.TrainCommand"));
  }

  @Test
  void aCycleIsReported() throws IOException {
    JsonNode cyclic = new ObjectMapper().readTree("""
        {"tasks": [
          {"task_key": "a", "depends_on": [{"task_key": "b"}]},
          {"task_key": "b", "depends_on": [{"task_key": "a"}]}]}""");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> topologicalOrder(cyclic)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("cycle among [a, b]");
  }

  @Test
  void everyMainClassIsInItsJarAndAcceptsItsParameters() throws Exception {
    for (JsonNode task : job.get("tasks")) {
      String key = task.get("task_key").asText();
      JsonNode jarTask = task.get("spark_jar_task");
      String mainClass = jarTask.get("main_class_name").asText();
      List<String> jars = new ArrayList<>();
      task.get("libraries").forEach(l -> {
        if (l.has("jar")) jars.add(l.get("jar").asText());
      });
      assertThat(jars).as("task %s installs exactly one layer jar", key).hasSize(1);
      Path jar = LayerJars.jar(Path.of(jars.get(0)).getFileName().toString());
      List<String> parameters = new ArrayList<>();
      jarTask.get("parameters").forEach(p -> parameters.add(resolve(p.asText())));

      try (URLClassLoader loader = LayerJars.clusterLoader(jar)) {
        Class<?> main;
        try {
          main = Class.forName(mainClass, false, loader);
        } catch (ClassNotFoundException e) {
          throw new AssertionError("Task " + key + ": main class " + mainClass + " is not in "
              + jar.getFileName() + " (renamed? update notebooks/jobs/marketlake-pipeline.json)");
        }
        assertThat(main.getClassLoader()).as("%s comes from %s", mainClass, jar.getFileName())
            .isSameAs(loader);
        Method mainMethod = main.getMethod("main", String[].class);
        assertThat(Modifier.isStatic(mainMethod.getModifiers())).isTrue();
        acceptsParameters(key, main, loader, parameters);
      }
    }
  }

  @Test
  void clustersRunSpark4WithAnInstanceProfileAndNoCredentials() throws IOException {
    assertThat(job.get("job_clusters")).isNotEmpty();
    for (JsonNode cluster : job.get("job_clusters")) {
      JsonNode spec = cluster.get("new_cluster");
      // Databricks Runtime 17.x is Spark 4.0 on Scala 2.13, what the jars are built against.
      assertThat(spec.get("spark_version").asText()).matches("17\\.\\d+\\.x-scala2\\.13");
      assertThat(spec.at("/aws_attributes/instance_profile_arn").asText())
          .matches("arn:aws:iam::[^:]+:instance-profile/marketlake-"
              + cluster.get("job_cluster_key").asText());
      // spark_jar_task uses the SparkContext (S3A settings): dedicated (single-user) compute.
      assertThat(spec.get("data_security_mode").asText()).isEqualTo("SINGLE_USER");
    }
    String text = Files.readString(JOB);
    assertThat(text).doesNotContainIgnoringCase("access.key").doesNotContainIgnoringCase(
        "secret.key").doesNotContain("AKIA").doesNotContainIgnoringCase("password=");
    // A secret is only ever a reference into the secret scope.
    Matcher m = REFERENCE.matcher(text);
    List<String> references = new ArrayList<>();
    while (m.find()) references.add(m.group(1));
    assertThat(references).allMatch(r -> r.startsWith("job.parameters.")
        || r.matches("secrets/marketlake/[a-z0-9-]+"), "job parameter or marketlake secret");
    assertThat(references).contains("secrets/marketlake/kafka-sasl-jaas");
    assertThat(job.at("/job_clusters/0/new_cluster/spark_env_vars/MARKETLAKE_KAFKA_SASL_JAAS")
        .asText()).isEqualTo("{{secrets/marketlake/kafka-sasl-jaas}}");
  }

  @Test
  void kafkaClassNamesUseDatabricksShadedClient() {
    // Databricks Runtime ships the Kafka client relocated to kafkashaded.org.apache.kafka (and
    // MSK's IAM module to shadedmskiam.): a class named by its plain name is not found there.
    List<String> classOptions = new ArrayList<>();
    for (JsonNode task : job.get("tasks")) {
      JsonNode parameters = task.at("/spark_jar_task/parameters");
      for (int i = 0; i + 1 < parameters.size(); i++) {
        String value = parameters.get(i + 1).asText();
        if (parameters.get(i).asText().equals("--kafka-option")
            && value.matches("[^=]*(\\.class|jaas\\.config)=.*")) {
          classOptions.add(value);
        }
      }
    }
    assertThat(classOptions).isNotEmpty().allSatisfy(option -> {
      String className = option.substring(option.indexOf('=') + 1);
      if (!className.startsWith("${env:")) {
        assertThat(className).matches("(kafkashaded\\.org\\.apache\\.kafka\\.|shadedmskiam\\.).*");
      }
    });
  }

  @Test
  void scheduledButPausedAndOneRunAtATime() {
    JsonNode schedule = job.get("schedule");
    assertThat(schedule.get("quartz_cron_expression").asText()).matches("(\\S+\\s+){5}\\S+");
    assertThat(schedule.get("timezone_id").asText()).isEqualTo("UTC");
    assertThat(schedule.get("pause_status").asText()).isEqualTo("PAUSED");
    // One writer per table: two runs of the job must never overlap.
    assertThat(job.get("max_concurrent_runs").asInt()).isEqualTo(1);
  }

  /** Task keys in an order that respects depends_on; fails on a cycle or an unknown task. */
  static List<String> topologicalOrder(JsonNode job) {
    Map<String, List<String>> upstream = new LinkedHashMap<>();
    for (JsonNode task : job.get("tasks")) {
      List<String> deps = new ArrayList<>();
      if (task.has("depends_on")) task.get("depends_on").forEach(d -> deps.add(
          d.get("task_key").asText()));
      String key = task.get("task_key").asText();
      if (upstream.put(key, deps) != null) throw new AssertionError("Duplicate task " + key);
    }
    upstream.forEach((task, deps) -> deps.forEach(d -> {
      if (!upstream.containsKey(d)) {
        throw new AssertionError("Task " + task + " depends on unknown task " + d);
      }
    }));
    List<String> order = new ArrayList<>();
    Deque<String> ready = new ArrayDeque<>();
    Map<String, Integer> waiting = new LinkedHashMap<>();
    upstream.forEach((task, deps) -> {
      waiting.put(task, deps.size());
      if (deps.isEmpty()) ready.add(task);
    });
    while (!ready.isEmpty()) {
      String task = ready.poll();
      order.add(task);
      upstream.forEach((other, deps) -> {
        if (deps.contains(task) && waiting.merge(other, -1, Integer::sum) == 0) ready.add(other);
      });
    }
    if (order.size() < upstream.size()) {
      List<String> stuck = upstream.keySet().stream().filter(t -> !order.contains(t)).toList();
      throw new AssertionError("depends_on has a cycle among " + stuck);
    }
    return order;
  }

  /** A parameter with {@code {{job.parameters.NAME}}} replaced by the parameter's default. */
  private static String resolve(String value) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String ref = m.group(1);
      assertThat(ref).as("task parameters reference job parameters only").startsWith(
          "job.parameters.");
      String name = ref.substring("job.parameters.".length());
      String resolved = null;
      for (JsonNode p : job.get("parameters")) {
        if (p.get("name").asText().equals(name)) resolved = p.get("default").asText();
      }
      assertThat(resolved).as("job parameter %s is defined", name).isNotNull();
      m.appendReplacement(out, Matcher.quoteReplacement(resolved));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * Parses the parameters with the jar's own picocli, as {@code main} would, then builds the
   * command's config, which validates the values (durations, bounds, required options).
   */
  private static void acceptsParameters(String task, Class<?> main, ClassLoader loader,
      List<String> parameters) throws Exception {
    Object command = main.getConstructor().newInstance();
    Class<?> commandLine = Class.forName("picocli.CommandLine", true, loader);
    assertThat(commandLine.getClassLoader()).as("picocli is shaded into the jar").isSameAs(loader);
    Object cli = commandLine.getConstructor(Object.class).newInstance(command);
    try {
      commandLine.getMethod("parseArgs", String[].class).invoke(cli,
          (Object) parameters.toArray(String[]::new));
      Method toConfig = main.getDeclaredMethod("toConfig");
      toConfig.setAccessible(true);
      toConfig.invoke(command);
    } catch (InvocationTargetException e) {
      throw new AssertionError("Task " + task + ": " + main.getName() + " refuses its parameters "
          + parameters + ": " + e.getCause().getMessage(), e.getCause());
    }
  }
}

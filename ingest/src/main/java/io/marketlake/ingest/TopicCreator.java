package io.marketlake.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the market-data topic when it does not exist yet; an existing topic is left alone. */
final class TopicCreator {
  static final long TIMEOUT_SECONDS = 30;

  private TopicCreator() {}

  /** @return true if the topic was created */
  static boolean ensure(Properties adminProperties, String topic, int partitions,
      short replicationFactor) throws InterruptedException {
    String bootstrap = String.valueOf(adminProperties.get("bootstrap.servers"));
    Admin admin = Admin.create(adminProperties);
    try {
      Set<String> names = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (names.contains(topic)) return false;
      admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor)))
          .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return true;
    } catch (TimeoutException e) {
      throw new IllegalStateException(IngestErrors.kafkaUnreachable(bootstrap, TIMEOUT_SECONDS), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) return false; // a concurrent creator won
      throw new IllegalStateException(IngestErrors.topicNotCreated(topic, bootstrap, e.getCause()),
          e.getCause());
    } finally {
      admin.close(Duration.ofSeconds(5)); // don't hang on exit when the broker is unreachable
    }
  }
}

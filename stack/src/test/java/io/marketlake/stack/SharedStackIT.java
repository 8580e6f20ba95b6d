package io.marketlake.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Lakehouse;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/** What integration tests in other modules use: one stack per JVM, unique names per test. */
class SharedStackIT {

  @Test
  void sharedStackIsStartedOnceAndHandsOutUniqueNames() throws Exception {
    EmbeddedStack stack = EmbeddedStack.shared();
    assertThat(EmbeddedStack.shared()).isSameAs(stack);
    assertThat(stack.exchange()).isPresent();

    String first = stack.uniqueTopic("bronze it");
    String second = stack.uniqueTopic("bronze it");
    assertThat(first).startsWith("bronze-it-").isNotEqualTo(second);
    try (Admin admin = stack.kafka().admin()) {
      Set<String> topics = admin.listTopics().names().get();
      assertThat(topics).contains(first, second);
      assertThat(admin.describeTopics(List.of(first)).allTopicNames().get().get(first)
          .partitions()).hasSize(StackOptions.DEFAULT_PARTITIONS);
    }

    Lakehouse lakehouse = stack.uniqueLakehouse("silver");
    assertThat(lakehouse.root()).startsWith("s3a://marketlake/silver-")
        .isNotEqualTo(stack.uniqueLakehouse("silver").root());
  }
}

package dev.emostream.embedded.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaTestEnvironment.class)
class KafkaTestEnvironmentTest {

    private static final AtomicReference<EmbeddedEnvironment> first = new AtomicReference<>();

    @Test
    @DisplayName("injects a running broker that can create topics")
    void brokerRuns(EmbeddedEnvironment env) throws Exception {
        first.compareAndSet(null, env);
        String topic = env.createTopic(env.uniqueTopic("env-test"), 3);
        assertThat(env.admin().describeTopics(java.util.List.of(topic)).allTopicNames().get().get(topic).partitions())
                .hasSize(3);
    }

    @Test
    @DisplayName("injects a running schema registry that answers the Confluent API")
    void registryRuns(EmbeddedEnvironment env) throws Exception {
        first.compareAndSet(null, env);
        HttpResponse<String> subjects = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(env.registryUrl() + "/subjects")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(subjects.statusCode()).isEqualTo(200);
    }

    @Nested
    @DisplayName("in another test class")
    class Shared {
        @Test
        @DisplayName("the same broker and registry are handed out again, not restarted")
        void sameInstance(EmbeddedEnvironment env) {
            first.compareAndSet(null, env);
            assertThat(env).isSameAs(first.get());
        }
    }
}

package dev.emostream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.emostream.schemas.registry.IncompatibleSchemaException;
import dev.emostream.schemas.registry.SchemaRegistryException;
import dev.emostream.schemas.registry.SchemaRegistryUnavailableException;

@DisplayName("StreamThreadFailurePolicy")
class StreamThreadFailurePolicyTest {

    private static final Duration WINDOW = Duration.ofMinutes(10);
    private static final Duration PAUSE = Duration.ofSeconds(1);

    private final StreamThreadFailurePolicy policy = new StreamThreadFailurePolicy(3, WINDOW, PAUSE);

    private static StreamsException wrapped(Throwable cause) {
        return new StreamsException("task 0_0 failed", cause);
    }

    @Test
    @DisplayName("a 401 from the registry stops the app at once, the reason naming the status")
    void unauthorizedStops() {
        StreamThreadFailurePolicy.Decision d = policy.onFailure(wrapped(new SchemaRegistryException(
                "cannot fetch schema id 3: http://sr/schemas/ids/3 answered HTTP 401 (error 40101): Unauthorized", 401,
                40101)), 0);

        assertThat(d.stop()).isTrue();
        assertThat(d.reason()).contains("configuration error", "HTTP 401");
    }

    @Test
    @DisplayName("a 409 on our own output schema stops the app at once")
    void incompatibleOutputStops() {
        assertThat(policy.onFailure(wrapped(new IncompatibleSchemaException("emotions-value", "incompatible")), 0).stop())
                .isTrue();
    }

    @Test
    @DisplayName("an unreachable registry replaces the thread after the pause, however often it happens")
    void transientRegistryReplacedWithoutLimit() {
        for (int i = 0; i < 100; i++) {
            StreamThreadFailurePolicy.Decision d = policy.onFailure(wrapped(new SchemaRegistryUnavailableException(
                    "http://sr/schemas/ids/1", 4, "ConnectException", null)), i);
            assertThat(d.stop()).as("failure %d", i).isFalse();
            assertThat(d.pause()).isEqualTo(PAUSE);
        }
    }

    @Test
    @DisplayName("Kafka's retriable errors (a broker away) replace the thread without limit")
    void retriableKafkaReplacedWithoutLimit() {
        for (int i = 0; i < 100; i++) {
            assertThat(policy.onFailure(wrapped(new TimeoutException("commit timed out")), i).stop()).isFalse();
        }
    }

    @Test
    @DisplayName("the same other failure is replaced 3 times, and stops the app the 4th")
    void sameFailureBounded() {
        for (int i = 1; i <= 3; i++) {
            assertThat(policy.onFailure(wrapped(new IllegalStateException("bug on partition 0")), i * 1000L).stop())
                    .as("failure %d", i).isFalse();
        }
        StreamThreadFailurePolicy.Decision d = policy.onFailure(wrapped(new IllegalStateException("bug on partition 0")),
                4000);

        assertThat(d.stop()).isTrue();
        assertThat(d.reason()).contains("4 times in a row", "bug on partition 0");
    }

    @Test
    @DisplayName("a different failure in between starts the count again")
    void differentFailureResets() {
        for (int i = 0; i < 10; i++) {
            String message = i % 2 == 0 ? "bug A" : "bug B";
            assertThat(policy.onFailure(wrapped(new IllegalStateException(message)), i).stop()).isFalse();
        }
    }

    @Test
    @DisplayName("the same failure longer than the window after the last one starts the count again")
    void windowResets() {
        long t = 0;
        for (int i = 0; i < 10; i++) {
            t += WINDOW.toMillis() + 1;
            assertThat(policy.onFailure(wrapped(new IllegalStateException("rare bug")), t).stop()).isFalse();
        }
    }
}

package dev.emostream.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ThreadFailures")
class ThreadFailuresTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ThreadFailures failures = new ThreadFailures(now::get);

    @Test
    @DisplayName("counts failures since start and in the last minute, with the last cause and time")
    void counts() {
        failures.failed("StreamsException caused by SchemaRegistryUnavailableException: down");
        now.addAndGet(30_000);
        failures.failed("StreamsException caused by ProducerFencedException: fenced");

        StreamThreads threads = failures.snapshot(2, 2);

        assertThat(threads).isEqualTo(new StreamThreads(2, 2, 2, 2,
                "StreamsException caused by ProducerFencedException: fenced", 1_030_000));
    }

    @Test
    @DisplayName("a failure older than a minute leaves the last-minute count but stays in the total")
    void window() {
        failures.failed("first");
        now.addAndGet(ThreadFailures.WINDOW_MS);

        StreamThreads threads = failures.snapshot(1, 1);

        assertThat(threads.failed()).isEqualTo(1);
        assertThat(threads.failedLastMinute()).isZero();
        assertThat(threads.lastFailure()).isEqualTo("first");
    }
}

package dev.emostream.app.faults;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.testing.ItSupport;

/**
 * What a downstream {@code read_committed} consumer of {@code emotions} sees while a fault happens: how many events
 * have arrived, and the longest time between two arrivals. The gap includes the consumer's own failover when the
 * fault is the leader of {@code emotions}, as it would for any consumer downstream. Polls every 100 ms, so gaps are
 * measured to about that.
 */
final class EventGaps implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventGaps.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AtomicLong events = new AtomicLong();
    private volatile boolean running = true;
    private volatile long firstNanos;
    private volatile long lastNanos;
    private volatile long longestNanos;
    /** When the longest gap ended, in nanoseconds since the first event. */
    private volatile long longestEndNanos;

    private EventGaps(String bootstrap, String topic) {
        this.consumer = ItSupport.committedReader(bootstrap, topic);
        this.thread = new Thread(this::run, "event-gaps-" + topic);
        this.thread.setDaemon(true);
    }

    static EventGaps follow(String bootstrap, String topic) {
        EventGaps gaps = new EventGaps(bootstrap, topic);
        gaps.thread.start();
        return gaps;
    }

    long events() {
        return events.get();
    }

    /** The longest time between two consecutive arrivals so far (zero before the second). */
    Duration longestGap() {
        return Duration.ofNanos(longestNanos);
    }

    /** When the longest gap ended, counted from the first event. */
    Duration longestGapEnd() {
        return Duration.ofNanos(longestEndNanos);
    }

    /** Waits until at least {@code n} events have arrived; false if {@code timeout} passed first. */
    boolean awaitEvents(long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.get() < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    private void run() {
        while (running) {
            try {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    arrived(records.count(), System.nanoTime());
                }
            } catch (RuntimeException e) {
                if (running) {
                    LOG.debug("event-gaps poll failed: {}", e.toString());
                }
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    private void arrived(int count, long now) {
        if (events.get() == 0) {
            firstNanos = now;
        } else if (now - lastNanos > longestNanos) {
            longestNanos = now - lastNanos;
            longestEndNanos = now - firstNanos;
        }
        lastNanos = now;
        events.addAndGet(count);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(Duration.ofSeconds(10).toMillis());
    }
}

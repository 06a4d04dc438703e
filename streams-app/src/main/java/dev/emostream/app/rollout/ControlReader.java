package dev.emostream.app.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import dev.emostream.schemas.ModelControl;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.FaceSerdeException;

/**
 * Reads the control topic into a {@link ControlLog}, record by record in offset order. A record whose bytes are bad
 * (not a ModelControl, malformed) is refused like a bad rollout record; a record that fails otherwise (a registry that
 * cannot be asked now: {@link RegistryUnavailable}) is left unread and fails the poll, so the caller retries it later
 * rather than skipping it, which would give this reader another state than the others.
 */
public final class ControlReader implements AutoCloseable {

    /** What the reader did with a record, for logs and meters. */
    public interface Listener {
        void applied(long offset, ModelControl record);

        void refused(long offset, String reason);
    }

    /** The registry could not decode a record now; the record is read again by the next poll. */
    public static final class RegistryUnavailable extends RuntimeException {
        RegistryUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroDeserializer<ModelControl> decoder;
    private final TopicPartition partition;
    private final ControlLog log;
    private final Listener listener;

    public ControlReader(KafkaConsumer<byte[], byte[]> consumer, SchemaRegistryClient registry, String topic,
                         ControlLog log, Listener listener) {
        this.consumer = consumer;
        this.decoder = new AvroDeserializer<>(ModelControl.class, registry);
        this.partition = ControlTopic.partition(topic);
        this.log = log;
        this.listener = listener;
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
    }

    /** The end of the topic now: with read_committed, the last stable offset. */
    public long endOffset(Duration timeout) {
        return consumer.endOffsets(List.of(partition), timeout).get(partition);
    }

    public long position(Duration timeout) {
        return consumer.position(partition, timeout);
    }

    /**
     * Polls once and applies what came.
     *
     * @return whether any record was applied or refused
     * @throws RegistryUnavailable when a record could not be decoded for now (it will be read again)
     */
    public boolean poll(Duration timeout) {
        boolean any = false;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            if (r.value() == null) {
                continue; // a tombstone: compaction's business, not a record to apply
            }
            try {
                apply(r);
            } catch (RuntimeException e) {
                // the consumer's position is past the whole batch: go back, so this record and the rest are read
                // again rather than skipped (a skipped record would leave this reader in another state than the others)
                consumer.seek(partition, r.offset());
                throw e;
            }
            any = true;
        }
        return any;
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        ModelControl record;
        try {
            record = decoder.deserialize(r.topic(), r.value());
        } catch (FaceSerdeException e) {
            if (e.reason().kind() != FaceSerdeException.Kind.BAD_DATA) {
                throw new RegistryUnavailable("control record at offset " + r.offset() + " cannot be decoded now: "
                        + e.getMessage(), e);
            }
            String reason = "unreadable control record (" + e.reason() + "): " + e.getMessage();
            log.unreadable(r.offset(), Instant.ofEpochMilli(r.timestamp()), reason);
            listener.refused(r.offset(), reason);
            return;
        }
        Optional<String> refusal = log.apply(record, r.offset());
        if (refusal.isPresent()) {
            listener.refused(r.offset(), refusal.get());
        } else {
            listener.applied(r.offset(), record);
        }
    }

    /**
     * Reads everything committed up to now (the CLI's view).
     *
     * @throws IllegalStateException when that takes longer than {@code timeout}
     */
    public void readToEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long end = endOffset(timeout);
        while (position(timeout) < end) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("control topic " + partition.topic() + " not read to its end (offset "
                        + end + ") within " + timeout.toSeconds() + " s");
            }
            poll(Duration.ofMillis(200));
        }
    }

    /**
     * Reads until the record at {@code offset} has been applied (a record just written, whose transaction markers may
     * not have reached the partition yet).
     *
     * @throws IllegalStateException when that takes longer than {@code timeout}
     */
    public ControlLog readPast(long offset, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (position(timeout) <= offset) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("control topic " + partition.topic() + ": record " + offset
                        + " not readable within " + timeout.toSeconds() + " s");
            }
            poll(Duration.ofMillis(200));
        }
        return log;
    }

    /** Makes a poll in progress, or the next one, end at once (from another thread; for closing). */
    public void wakeup() {
        consumer.wakeup();
    }

    public ControlLog log() {
        return log;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}

package dev.emostream.app.replay;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import dev.emostream.schemas.serde.AvroSerializer;

/**
 * Produces frames to one topic, keyed by source id, in Confluent Avro. Idempotent with {@code acks=all}: a retried
 * send is written once and in order, so the topic holds the frames of a replay exactly once and in file order
 * (all of them share one key, hence one partition), which is what {@code submission} relies on.
 */
public final class KafkaFrameSink implements FrameSink {

    private final String topic;
    private final KafkaProducer<String, FaceFrame> producer;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong acknowledged = new AtomicLong();

    public KafkaFrameSink(String topic, Properties producerProperties, SchemaRegistryClient registry) {
        this(topic, producerProperties, registry, Map.of());
    }

    /** @param serdeConfig Confluent's serde keys ({@code auto.register.schemas}, ...) for the FaceFrame serializer */
    public KafkaFrameSink(String topic, Properties producerProperties, SchemaRegistryClient registry,
                          Map<String, ?> serdeConfig) {
        this.topic = topic;
        Properties p = new Properties();
        p.putAll(producerProperties);
        // the guarantees this tool promises; a user's file cannot weaken them
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "emostream-replay");
        AvroSerializer<FaceFrame> values = new AvroSerializer<>(registry);
        // a producer configures only the serializers it creates itself
        values.configure(serdeConfig, false);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), values);
    }

    public String topic() {
        return topic;
    }

    @Override
    public void send(FaceFrame frame) {
        throwIfFailed();
        producer.send(new ProducerRecord<>(topic, frame.getSourceId(), frame), (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else {
                acknowledged.incrementAndGet();
            }
        });
    }

    @Override
    public void flush() {
        producer.flush();
        throwIfFailed();
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }

    private void throwIfFailed() {
        Exception e = failure.get();
        if (e != null) {
            throw new KafkaException("sending to " + topic + " failed after " + acknowledged.get()
                    + " acknowledged frames: " + e.getMessage(), e);
        }
    }
}

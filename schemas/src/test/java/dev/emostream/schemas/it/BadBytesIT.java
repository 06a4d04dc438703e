package dev.emostream.schemas.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.embedded.junit.KafkaTestEnvironment;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.SampleRecords;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.registry.UnknownSchemaIdException;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.AvroSerde;
import dev.emostream.schemas.serde.EmptyPayloadException;
import dev.emostream.schemas.serde.FaceSerdeException;
import dev.emostream.schemas.serde.MalformedAvroException;
import dev.emostream.schemas.serde.UnknownMagicByteException;

/** Bad bytes written to a real topic, read back through the real registry: each gives its own exception. */
@ExtendWith(KafkaTestEnvironment.class)
class BadBytesIT {

    private static AvroSerde<FaceFrame> serde;
    private static byte[] valid;

    @BeforeAll
    static void registerSchema(EmbeddedEnvironment env) {
        serde = AvroSerde.forValues(FaceFrame.class, new RestSchemaRegistryClient(env.registryUrl()));
        valid = serde.serializer().serialize("faces.bad-bytes", SampleRecords.frame("f", null));
    }

    /** Writes {@code value} to a fresh topic and reads it back as raw bytes: what the deserializer gets from Kafka. */
    private static byte[] throughKafka(EmbeddedEnvironment env, byte[] value) throws Exception {
        String topic = env.createTopic(env.uniqueTopic("faces.bad"), 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(env.clientProperties(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            producer.send(new ProducerRecord<>(topic, value)).get();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(env.clientProperties(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    return r.value();
                }
            }
        }
        throw new AssertionError("nothing read back from the broker");
    }

    private static FaceFrame read(byte[] bytes) {
        return serde.deserializer().deserialize("faces.bad-bytes", bytes);
    }

    @Test
    @DisplayName("an empty value gives EmptyPayloadException")
    void empty(EmbeddedEnvironment env) throws Exception {
        byte[] bytes = throughKafka(env, new byte[0]);
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(EmptyPayloadException.class);
    }

    @Test
    @DisplayName("a wrong magic byte gives UnknownMagicByteException")
    void wrongMagicByte(EmbeddedEnvironment env) throws Exception {
        byte[] json = "{\"frameId\":\"f\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] bytes = throughKafka(env, json);
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(UnknownMagicByteException.class).hasMessageContaining("0x7b");
    }

    @Test
    @DisplayName("a schema id the registry never issued gives UnknownSchemaIdException")
    void unknownSchemaId(EmbeddedEnvironment env) throws Exception {
        byte[] forged = valid.clone();
        ByteBuffer.wrap(forged).putInt(1, 987_654);
        byte[] bytes = throughKafka(env, forged);
        assertThatThrownBy(() -> read(bytes))
                .isInstanceOfSatisfying(UnknownSchemaIdException.class, e -> assertThat(e.schemaId()).isEqualTo(987_654));
    }

    @Test
    @DisplayName("truncated Avro gives MalformedAvroException")
    void truncated(EmbeddedEnvironment env) throws Exception {
        byte[] bytes = throughKafka(env, Arrays.copyOf(valid, valid.length / 2));
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(MalformedAvroException.class);
    }

    @Test
    @DisplayName("a plain consumer with the deserializer surfaces the specific exception as the cause of RecordDeserializationException")
    void consumerSeesTheCause(EmbeddedEnvironment env) throws Exception {
        String topic = env.createTopic(env.uniqueTopic("faces.bad-consumer"), 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(env.clientProperties(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            producer.send(new ProducerRecord<>(topic, new byte[] {1, 0, 0, 0, 1})).get();
        }
        try (KafkaConsumer<byte[], FaceFrame> consumer = new KafkaConsumer<>(env.clientProperties(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")),
                new ByteArrayDeserializer(), new AvroDeserializer<>(FaceFrame.class, new RestSchemaRegistryClient(env.registryUrl())))) {
            consumer.subscribe(List.of(topic));
            assertThatThrownBy(() -> {
                long deadline = System.currentTimeMillis() + 30_000;
                while (System.currentTimeMillis() < deadline) {
                    consumer.poll(Duration.ofMillis(200));
                }
            }).isInstanceOf(RecordDeserializationException.class)
                    .cause().isInstanceOfSatisfying(UnknownMagicByteException.class,
                            e -> assertThat(e.reason()).isEqualTo(FaceSerdeException.Reason.BAD_MAGIC_BYTE));
        }
    }
}

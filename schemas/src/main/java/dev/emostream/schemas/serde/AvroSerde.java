package dev.emostream.schemas.serde;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import dev.emostream.schemas.registry.SchemaRegistryClient;

/**
 * Kafka {@link Serde} for one generated Avro record type in Confluent wire format; see
 * {@link AvroSerializer} and {@link AvroDeserializer} for the format and the failures.
 *
 * <p>Kafka Streams configures only the default serdes it creates from config; a serde passed to
 * {@code Consumed.with}/{@code Produced.with} must be configured by hand, or built ready-made with
 * {@link #forValues}/{@link #forKeys}:
 *
 * <pre>{@code
 * Serde<FaceFrame> frames = AvroSerde.forValues(FaceFrame.class, client);
 * // or, from properties:
 * Serde<FaceFrame> frames = new AvroSerde<>(FaceFrame.class);
 * frames.configure(Map.of("schema.registry.url", "http://localhost:8081"), false);
 * }</pre>
 *
 * <p>As Kafka Streams' {@code default.value.serde} (or {@code default.key.serde}) give the class name: Streams
 * creates it with the no-arg constructor and configures it with the application's properties, so
 * {@code schema.registry.url} and the other keys of {@link AvroSerdeConfig} and the registry client apply. Each
 * record is then read as the generated class its writer schema names.
 */
public class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    /**
     * For {@code default.value.serde}: needs {@link #configure}, which creates the registry client from the
     * properties; reads the class {@value AvroSerdeConfig#SPECIFIC_AVRO_VALUE_TYPE} names, else the class each
     * writer schema names.
     */
    public AvroSerde() {
        this.serializer = new AvroSerializer<>();
        this.deserializer = new AvroDeserializer<>();
    }

    /** Needs {@link #configure}, which creates the registry client from the properties. */
    public AvroSerde(Class<T> type) {
        this.serializer = new AvroSerializer<>();
        this.deserializer = new AvroDeserializer<>(type);
    }

    /** A value serde with this client; {@link #configure} only needs calling to make it a key serde or set options. */
    public AvroSerde(Class<T> type, SchemaRegistryClient client) {
        this(type, client, false);
    }

    public AvroSerde(Class<T> type, SchemaRegistryClient client, boolean isKey) {
        this.serializer = new AvroSerializer<>(client, isKey);
        this.deserializer = new AvroDeserializer<>(type, client);
    }

    public static <T extends SpecificRecord> AvroSerde<T> forValues(Class<T> type, SchemaRegistryClient client) {
        return new AvroSerde<>(type, client, false);
    }

    public static <T extends SpecificRecord> AvroSerde<T> forKeys(Class<T> type, SchemaRegistryClient client) {
        return new AvroSerde<>(type, client, true);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}

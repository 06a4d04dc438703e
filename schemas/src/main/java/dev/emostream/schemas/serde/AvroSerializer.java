package dev.emostream.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

import dev.emostream.schemas.registry.IncompatibleSchemaException;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import dev.emostream.schemas.registry.SchemaRegistryClientConfig;
import dev.emostream.schemas.registry.SchemaRegistryException;

/**
 * Writes generated Avro records in Confluent wire format: magic byte 0, the 4-byte big-endian id of the
 * record's schema, then the Avro binary encoding. The schema is registered under the subject
 * {@code <topic>-value} or {@code <topic>-key} (Confluent's TopicNameStrategy), once per topic and schema:
 * ids are cached here and in the client.
 *
 * <p>{@code null} serializes to {@code null} (a tombstone). Failures throw {@link FaceSerdeException}s:
 * {@link IncompatibleSchemaException}, {@link InvalidRecordException}, registry errors.
 */
public class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private SchemaRegistryClient client;
    private boolean isKey;
    private boolean autoRegister = true;
    private final Map<String, Map<Schema, Integer>> idsByTopic = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();

    /** For Kafka's reflective construction; {@link #configure} must then name the registry. */
    public AvroSerializer() {
    }

    /** A value serializer, ready to use. */
    public AvroSerializer(SchemaRegistryClient client) {
        this(client, false);
    }

    public AvroSerializer(SchemaRegistryClient client, boolean isKey) {
        this.client = client;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        Object auto = configs.get(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS);
        if (auto != null) {
            this.autoRegister = Boolean.parseBoolean(auto.toString().trim());
        }
        if (client == null) {
            client = new RestSchemaRegistryClient(SchemaRegistryClientConfig.fromProperties(configs));
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("AvroSerializer used before configure(): no registry client");
        }
        Schema schema = record.getSchema();
        int id = idsByTopic.computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(schema, s -> schemaId(subject(topic), s));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(AvroDeserializer.MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writers.computeIfAbsent(schema, this::writerFor).write(record, encoder);
            encoder.flush();
        } catch (IOException | AvroRuntimeException | NullPointerException | ClassCastException e) {
            throw new InvalidRecordException("cannot encode " + schema.getFullName() + " for topic " + topic + ": " + e, e);
        }
        return out.toByteArray();
    }

    /** The subject this serializer registers under for {@code topic}. */
    public String subject(String topic) {
        return topic + (isKey ? "-key" : "-value");
    }

    private int schemaId(String subject, Schema schema) {
        if (autoRegister) {
            return client.register(subject, schema);
        }
        return client.lookup(subject, schema).orElseThrow(() -> new SchemaRegistryException(
                "schema " + schema.getFullName() + " is not registered under subject " + subject
                        + " and auto.register.schemas is false", 404, 40403));
    }

    private SpecificDatumWriter<T> writerFor(Schema schema) {
        // the record class's own SpecificData carries its logical-type conversions (Instant -> timestamp-millis)
        return new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema));
    }
}

package dev.emostream.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.schemas.registry.IncompatibleSchemaException;
import dev.emostream.schemas.registry.RegisteredSchema;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import dev.emostream.schemas.registry.SchemaRegistryClients;
import dev.emostream.schemas.registry.SchemaRegistryException;

/**
 * Writes generated Avro records in Confluent wire format: magic byte 0, the 4-byte big-endian id of the
 * schema, then the Avro binary encoding. The subject comes from the configured {@link SubjectNameStrategy}
 * (default {@code <topic>-value} / {@code <topic>-key}); the id, as in Confluent's serializers, from:
 * <ul>
 *   <li>{@code auto.register.schemas=true} (default): registering the record's schema;</li>
 *   <li>{@code auto.register.schemas=false}: looking up the record's schema, which must be registered;</li>
 *   <li>{@code auto.register.schemas=false} and {@code use.latest.version=true}: the subject's latest version,
 *       the record written with that schema (with {@code latest.compatibility.strict}, only if it can read what
 *       the record's own schema writes).</li>
 * </ul>
 * Ids are cached per topic and schema here and in the client.
 *
 * <p>{@code null} serializes to {@code null} (a tombstone). Failures throw {@link FaceSerdeException}s:
 * {@link IncompatibleSchemaException}, {@link InvalidRecordException}, registry errors.
 */
public class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private static final Logger log = LoggerFactory.getLogger(AvroSerializer.class);

    private SchemaRegistryClient client;
    private boolean isKey;
    private boolean autoRegister = true;
    private boolean useLatestVersion;
    private boolean latestCompatibilityStrict = true;
    private SubjectNameStrategy subjectNames = SubjectNameStrategy.TOPIC_NAME;
    private final Map<String, Map<Schema, Target>> targetsByTopic = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();

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

    /** Reads the options in {@link AvroSerdeConfig}; creates the registry client unless one was given. */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        this.autoRegister = AvroSerdeConfig.flag(configs, AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, true);
        this.useLatestVersion = AvroSerdeConfig.flag(configs, AvroSerdeConfig.USE_LATEST_VERSION, false);
        this.latestCompatibilityStrict = AvroSerdeConfig.flag(configs, AvroSerdeConfig.LATEST_COMPATIBILITY_STRICT, true);
        this.subjectNames = AvroSerdeConfig.subjectNameStrategy(configs, isKey);
        if (useLatestVersion && autoRegister) {
            log.warn("{}=true has no effect while {}=true (as in Confluent's serializers): the record's own schema is "
                    + "registered", AvroSerdeConfig.USE_LATEST_VERSION, AvroSerdeConfig.AUTO_REGISTER_SCHEMAS);
        }
        targetsByTopic.clear();
        if (client == null) {
            client = SchemaRegistryClients.fromProperties(configs);
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
        Target target = targetsByTopic.computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(schema, s -> target(topic, s));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(AvroDeserializer.MAGIC_BYTE);
        out.write(target.id >>> 24);
        out.write(target.id >>> 16);
        out.write(target.id >>> 8);
        out.write(target.id);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            if (target.schema.equals(schema)) {
                writers.computeIfAbsent(schema, this::writerFor).write(record, encoder);
            } else {
                new GenericDatumWriter<>(target.schema).write(asLatest(record, target.schema), encoder);
            }
            encoder.flush();
        } catch (IOException | AvroRuntimeException | NullPointerException | ClassCastException e) {
            throw new InvalidRecordException("cannot encode " + schema.getFullName() + " for topic " + topic
                    + (target.schema.equals(schema) ? "" : " with the subject's latest schema") + ": " + e, e);
        }
        return out.toByteArray();
    }

    /** The subject this serializer registers under for {@code topic} and records of {@code schema}. */
    public String subject(String topic, Schema schema) {
        return subjectNames.subject(topic, isKey, schema);
    }

    private Target target(String topic, Schema schema) {
        String subject = subject(topic, schema);
        if (autoRegister) {
            return new Target(client.register(subject, schema), schema);
        }
        if (useLatestVersion) {
            RegisteredSchema latest = client.latestVersion(subject);
            if (latestCompatibilityStrict && !canRead(latest.schema(), schema)) {
                throw new SchemaRegistryException("the latest schema of subject " + subject + " (id " + latest.id()
                        + ", version " + latest.version() + ") cannot read " + schema.getFullName()
                        + " as this serializer writes it; set " + AvroSerdeConfig.LATEST_COMPATIBILITY_STRICT
                        + "=false to write with it anyway", 0, 0);
            }
            return new Target(latest.id(), latest.schema());
        }
        int id = client.lookup(subject, schema).orElseThrow(() -> new SchemaRegistryException(
                "schema " + schema.getFullName() + " is not registered under subject " + subject
                        + " and auto.register.schemas is false", 404, 40403));
        return new Target(id, schema);
    }

    private static boolean canRead(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }

    /** The record as the latest schema reads it: written with its own schema, read back resolved to the latest. */
    private Object asLatest(T record, Schema latest) throws IOException {
        ByteArrayOutputStream own = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(own, null);
        writers.computeIfAbsent(record.getSchema(), this::writerFor).write(record, encoder);
        encoder.flush();
        // generic on both sides, without logical-type conversions: values pass through in their Avro encoding
        return new GenericDatumReader<>(record.getSchema(), latest)
                .read(null, DecoderFactory.get().binaryDecoder(own.toByteArray(), null));
    }

    private DatumWriter<T> writerFor(Schema schema) {
        // the record class's own SpecificData carries its logical-type conversions (Instant -> timestamp-millis)
        return new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema));
    }

    /** The id written in the header and the schema the body is written with. */
    private record Target(int id, Schema schema) {
    }
}

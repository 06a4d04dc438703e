package dev.emostream.schemas.serde;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;

import dev.emostream.schemas.registry.SchemaRegistryClient;
import dev.emostream.schemas.registry.SchemaRegistryClientConfig;
import dev.emostream.schemas.registry.SchemaRegistryClients;
import dev.emostream.schemas.registry.SchemaRegistryUnavailableException;
import dev.emostream.schemas.registry.UnknownSchemaIdException;

/**
 * Reads Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro binary) into a generated
 * record class, resolving the writer schema fetched by id to the class's own schema, so records written
 * with an older or newer compatible schema read fine.
 *
 * <p>Bad bytes never come back as {@code null} and never as a bare Avro exception: each case throws its own
 * {@link FaceSerdeException} ({@link EmptyPayloadException}, {@link UnknownMagicByteException},
 * {@link UnknownSchemaIdException}, {@link MalformedAvroException}, {@link SchemaMismatchException}), or
 * {@link SchemaRegistryUnavailableException} (retriable) when the registry cannot be asked.
 *
 * <p>A {@code null} payload returns {@code null}: in Kafka a null value is a tombstone (a delete), not a
 * broken record, and compacted topics and Kafka Streams rely on that. A zero-length array is not a
 * tombstone and throws {@link EmptyPayloadException}.
 *
 * <p>Without a type (no constructor argument, no {@value AvroSerdeConfig#SPECIFIC_AVRO_VALUE_TYPE}), each record
 * is read as the generated class named by its writer schema, as Confluent's deserializer does with
 * {@code specific.avro.reader=true}; that is what makes a no-arg {@link AvroSerde} usable as
 * {@code default.value.serde}. A writer schema with no generated class here is a {@link SchemaMismatchException}.
 *
 * <p>Thread-safe; the writer schema and the resolving reader are cached per schema id.
 */
public class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    static final byte MAGIC_BYTE = 0;
    static final int HEADER_SIZE = 5;

    private Class<T> type;
    private Schema readerSchema;
    private SchemaRegistryClient client;
    private final Map<Integer, Reader<T>> readers = new ConcurrentHashMap<>();

    /** For Kafka's reflective construction; {@link #configure} must then name the registry (and may name the type). */
    public AvroDeserializer() {
    }

    /** Produces {@code type}; {@link #configure} must then name the registry. */
    public AvroDeserializer(Class<T> type) {
        setType(type);
    }

    /** Ready to use: nothing to configure. */
    public AvroDeserializer(Class<T> type, SchemaRegistryClient client) {
        setType(type);
        this.client = client;
    }

    /**
     * Creates the registry client from {@link SchemaRegistryClientConfig} keys unless one was given to the
     * constructor, and the target type from {@value AvroSerdeConfig#SPECIFIC_AVRO_VALUE_TYPE} /
     * {@value AvroSerdeConfig#SPECIFIC_AVRO_KEY_TYPE} unless one was given (without either, the writer schema
     * names the class).
     */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        String key = isKey ? AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE : AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE;
        if (type == null && configs.get(key) != null) {
            setType(typeFrom(configs.get(key), key));
        }
        if (client == null) {
            client = SchemaRegistryClients.fromProperties(configs);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("AvroDeserializer used before configure(): no registry client");
        }
        if (data.length == 0) {
            throw new EmptyPayloadException(topic);
        }
        if (data[0] != MAGIC_BYTE) {
            throw new UnknownMagicByteException(topic, data[0]);
        }
        if (data.length < HEADER_SIZE) {
            throw new MalformedAvroException("payload of " + data.length + " byte(s) on topic " + topic
                    + " is shorter than the 5-byte Confluent header");
        }
        int schemaId = ByteBuffer.wrap(data, 1, 4).getInt();
        if (schemaId < 1) {
            // registries issue ids from 1: no need to ask one (and a lookup would be retried while it is down)
            throw new UnknownSchemaIdException(schemaId);
        }
        Reader<T> reader = readers.get(schemaId);
        if (reader == null) {
            reader = readerFor(schemaId);
            readers.putIfAbsent(schemaId, reader);
        }
        if (reader.mismatch != null) {
            throw new SchemaMismatchException(reader.mismatch + " (topic " + topic + ")");
        }
        try {
            AvroPayloadGuard.check(reader.writer, data, HEADER_SIZE, data.length - HEADER_SIZE);
        } catch (MalformedAvroException e) {
            throw new MalformedAvroException("malformed " + reader.writer.getFullName() + " (schema id " + schemaId
                    + ") on topic " + topic + ": " + e.getMessage());
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, HEADER_SIZE, data.length - HEADER_SIZE, null);
            return reader.datumReader.read(null, decoder);
        } catch (Exception | StackOverflowError e) {
            // the guard has checked the structure, so this is content Avro rejects (e.g. an invalid logical value)
            throw new MalformedAvroException("cannot decode " + reader.writer.getFullName() + " (schema id " + schemaId
                    + ") on topic " + topic + ": " + e, e);
        }
    }

    /** The generated class this deserializer produces; null when each writer schema names its own. */
    public Class<T> type() {
        return type;
    }

    @SuppressWarnings("unchecked")
    private Reader<T> readerFor(int schemaId) {
        Schema writer = client.schemaById(schemaId);
        Class<T> type = this.type;
        Schema readerSchema = this.readerSchema;
        if (type == null) {
            Class<?> named = writer.getType() == Schema.Type.RECORD ? SpecificData.get().getClass(writer) : null;
            if (named == null || !SpecificRecord.class.isAssignableFrom(named)) {
                return new Reader<>(writer, null, "writer schema " + writer.getFullName() + " (id " + schemaId
                        + ") names no generated record class known here");
            }
            type = (Class<T>) named;
            readerSchema = SpecificData.get().getSchema(named);
        }
        var compatibility = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return new Reader<>(writer, null, "writer schema " + writer.getFullName() + " (id " + schemaId
                    + ") cannot be read as " + readerSchema.getFullName() + ": "
                    + compatibility.getResult().getIncompatibilities().stream()
                            .map(i -> i.getType() + " at " + i.getLocation())
                            .toList());
        }
        // the class's own SpecificData carries its logical-type conversions (timestamp-millis -> Instant)
        SpecificData model = SpecificData.getForClass(type);
        return new Reader<>(writer, new SpecificDatumReader<>(writer, readerSchema, model), null);
    }

    @SuppressWarnings("unchecked")
    private void setType(Class<?> cls) {
        if (!SpecificRecord.class.isAssignableFrom(cls)) {
            throw new ConfigException(cls.getName() + " is not a generated Avro record (SpecificRecord)");
        }
        this.type = (Class<T>) cls;
        this.readerSchema = SpecificData.get().getSchema(cls);
    }

    private static Class<?> typeFrom(Object value, String key) {
        if (value instanceof Class<?> c) {
            return c;
        }
        if (value == null) {
            throw new ConfigException(key, null, "AvroDeserializer needs the record class to produce");
        }
        try {
            return Class.forName(value.toString().trim(), true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ConfigException(key, value, "class not found");
        }
    }

    private record Reader<T>(Schema writer, SpecificDatumReader<T> datumReader, String mismatch) {
    }
}

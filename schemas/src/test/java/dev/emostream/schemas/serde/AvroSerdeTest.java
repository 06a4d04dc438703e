package dev.emostream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.emostream.schemas.AccuracySnapshot;
import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.SampleRecords;
import dev.emostream.schemas.registry.InMemorySchemaRegistryClient;
import dev.emostream.schemas.registry.SchemaRegistryException;
import dev.emostream.schemas.registry.SchemaRegistryUnavailableException;
import dev.emostream.schemas.registry.UnknownSchemaIdException;

class AvroSerdeTest {

    private static final String TOPIC = "faces.cam-7";

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerde<FaceFrame> frames = AvroSerde.forValues(FaceFrame.class, registry);

    private byte[] serialize(FaceFrame frame) {
        return frames.serializer().serialize(TOPIC, frame);
    }

    private FaceFrame deserialize(byte[] bytes) {
        return frames.deserializer().deserialize(TOPIC, bytes);
    }

    private int faceFrameId() {
        return registry.register(TOPIC + "-value", FaceFrame.getClassSchema());
    }

    private static byte[] withHeader(int schemaId, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(schemaId).put(body).array();
    }

    private static byte[] avroLong(long value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
        enc.writeLong(value);
        enc.flush();
        return out.toByteArray();
    }

    @Nested
    @DisplayName("round trip")
    class RoundTrip {

        @Test
        @DisplayName("a labelled FaceFrame comes back equal, in Confluent wire format with the registered id")
        void labelledFrame() {
            FaceFrame frame = SampleRecords.frame("f-1", Emotion.SURPRISE);
            byte[] bytes = serialize(frame);

            assertThat(bytes[0]).isZero();
            assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(faceFrameId());
            assertThat(deserialize(bytes)).isEqualTo(frame);
        }

        @Test
        @DisplayName("an unlabelled FaceFrame keeps its null label")
        void unlabelledFrame() {
            FaceFrame frame = SampleRecords.frame("f-2", null);
            assertThat(deserialize(serialize(frame)).getTrueLabel()).isNull();
            assertThat(deserialize(serialize(frame))).isEqualTo(frame);
        }

        @Test
        @DisplayName("EmotionEvent and AccuracySnapshot, windowed or not, come back equal")
        void otherContracts() {
            AvroSerde<EmotionEvent> events = AvroSerde.forValues(EmotionEvent.class, registry);
            AvroSerde<AccuracySnapshot> snapshots = AvroSerde.forValues(AccuracySnapshot.class, registry);
            EmotionEvent event = SampleRecords.event("f-3");
            assertThat(events.deserializer().deserialize("emotions", events.serializer().serialize("emotions", event)))
                    .isEqualTo(event);
            for (boolean windowed : new boolean[] {true, false}) {
                AccuracySnapshot s = SampleRecords.snapshot(windowed);
                assertThat(snapshots.deserializer().deserialize("acc", snapshots.serializer().serialize("acc", s)))
                        .isEqualTo(s);
            }
        }

        @Test
        @DisplayName("a null value stays null both ways: it is a tombstone, not a broken record")
        void tombstone() {
            assertThat(serialize(null)).isNull();
            assertThat(deserialize(null)).isNull();
        }

        @Test
        @DisplayName("value and key serdes register under <topic>-value and <topic>-key")
        void subjects() {
            AvroSerde<FaceFrame> keys = AvroSerde.forKeys(FaceFrame.class, registry);
            keys.serializer().serialize(TOPIC, SampleRecords.frame("k", null));
            serialize(SampleRecords.frame("v", null));

            assertThat(registry.lookup(TOPIC + "-key", FaceFrame.getClassSchema())).isPresent();
            assertThat(registry.lookup(TOPIC + "-value", FaceFrame.getClassSchema())).isPresent();
            assertThat(((AvroSerializer<FaceFrame>) keys.serializer()).subject("t", FaceFrame.getClassSchema())).isEqualTo("t-key");
        }

        @Test
        @DisplayName("a record written with an older schema (no trueLabel yet) reads with the field's default")
        void olderWriterSchema() throws IOException {
            Schema v1 = new Schema.Parser().parse("""
                    {"type":"record","name":"FaceFrame","namespace":"dev.emostream.schemas","fields":[
                      {"name":"frameId","type":"string"},{"name":"sourceId","type":"string"},
                      {"name":"captureTime","type":{"type":"long","logicalType":"timestamp-millis"}},
                      {"name":"width","type":"int"},{"name":"height","type":"int"},{"name":"pixels","type":"bytes"}]}""");
            int id = registry.register(TOPIC + "-value", v1);
            GenericRecord old = new GenericData.Record(v1);
            old.put("frameId", "old-1");
            old.put("sourceId", "cam-1");
            old.put("captureTime", 1_700_000_000_000L);
            old.put("width", 2);
            old.put("height", 1);
            old.put("pixels", ByteBuffer.wrap(new byte[] {1, 2}));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(body, null);
            new GenericDatumWriter<GenericRecord>(v1).write(old, enc);

            FaceFrame read = deserialize(withHeader(id, body.toByteArray()));

            assertThat(read.getFrameId()).isEqualTo("old-1");
            assertThat(read.getCaptureTime().toEpochMilli()).isEqualTo(1_700_000_000_000L);
            assertThat(read.getTrueLabel()).isNull();
        }

        @Test
        @DisplayName("configured from properties with auto.register.schemas=false, an unregistered schema is refused")
        void noAutoRegister() {
            AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(registry);
            serializer.configure(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false"), false);
            assertThatThrownBy(() -> serializer.serialize("unregistered", SampleRecords.frame("x", null)))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("not registered under subject unregistered-value");

            registry.register("unregistered-value", FaceFrame.getClassSchema());
            assertThat(serializer.serialize("unregistered", SampleRecords.frame("x", null))).isNotEmpty();
        }
    }

    @Nested
    @DisplayName("bad bytes")
    class BadBytes {

        @Test
        @DisplayName("an empty payload throws EmptyPayloadException (EMPTY_PAYLOAD)")
        void empty() {
            assertThatThrownBy(() -> deserialize(new byte[0]))
                    .isInstanceOf(EmptyPayloadException.class)
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining(TOPIC)
                    .extracting(e -> ((FaceSerdeException) e).reason())
                    .isEqualTo(FaceSerdeException.Reason.EMPTY_PAYLOAD);
        }

        @Test
        @DisplayName("a wrong first byte throws UnknownMagicByteException naming the byte (BAD_MAGIC_BYTE)")
        void wrongMagicByte() {
            byte[] bytes = serialize(SampleRecords.frame("f", null));
            bytes[0] = (byte) 0x7b; // '{': someone wrote JSON to the topic
            assertThatThrownBy(() -> deserialize(bytes))
                    .isInstanceOfSatisfying(UnknownMagicByteException.class, e -> {
                        assertThat(e.magicByte()).isEqualTo(0x7b);
                        assertThat(e.reason()).isEqualTo(FaceSerdeException.Reason.BAD_MAGIC_BYTE);
                    })
                    .hasMessageContaining("0x7b");
        }

        @Test
        @DisplayName("a header shorter than 5 bytes is malformed")
        void shortHeader() {
            assertThatThrownBy(() -> deserialize(new byte[] {0, 0, 1}))
                    .isInstanceOf(MalformedAvroException.class)
                    .hasMessageContaining("shorter than the 5-byte Confluent header");
        }

        @Test
        @DisplayName("an id the registry does not know throws UnknownSchemaIdException (UNKNOWN_SCHEMA_ID)")
        void unknownSchemaId() {
            byte[] bytes = serialize(SampleRecords.frame("f", null));
            ByteBuffer.wrap(bytes).putInt(1, 4242);
            assertThatThrownBy(() -> deserialize(bytes))
                    .isInstanceOfSatisfying(UnknownSchemaIdException.class, e -> {
                        assertThat(e.schemaId()).isEqualTo(4242);
                        assertThat(e.reason()).isEqualTo(FaceSerdeException.Reason.UNKNOWN_SCHEMA_ID);
                        assertThat(e.isRetriable()).isFalse();
                    });
        }

        @Test
        @DisplayName("an id below 1 is unknown without asking the registry, even while it is down")
        void nonPositiveSchemaId() {
            byte[] bytes = serialize(SampleRecords.frame("f", null));
            ByteBuffer.wrap(bytes).putInt(1, -7);
            registry.simulateOutage(true);
            try {
                assertThatThrownBy(() -> deserialize(bytes))
                        .isInstanceOfSatisfying(UnknownSchemaIdException.class, e -> {
                            assertThat(e.schemaId()).isEqualTo(-7);
                            assertThat(e.isRetriable()).isFalse();
                        });
            } finally {
                registry.simulateOutage(false);
            }
        }

        @Test
        @DisplayName("truncated Avro throws MalformedAvroException (MALFORMED_AVRO)")
        void truncated() {
            byte[] bytes = serialize(SampleRecords.frame("f", Emotion.FEAR));
            byte[] cut = Arrays.copyOf(bytes, bytes.length - 100);
            assertThatThrownBy(() -> deserialize(cut))
                    .isInstanceOfSatisfying(MalformedAvroException.class,
                            e -> assertThat(e.reason()).isEqualTo(FaceSerdeException.Reason.MALFORMED_AVRO))
                    .hasMessageContaining("dev.emostream.schemas.FaceFrame")
                    .hasMessageContaining(TOPIC);
        }

        @Test
        @DisplayName("trailing bytes after a complete record are malformed")
        void trailingBytes() {
            byte[] bytes = serialize(SampleRecords.frame("f", null));
            byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
            assertThatThrownBy(() -> deserialize(longer))
                    .isInstanceOf(MalformedAvroException.class)
                    .hasMessageContaining("3 trailing byte(s)");
        }

        @Test
        @DisplayName("a declared length of 10 GB is rejected before anything is allocated")
        void absurdStringLength() throws IOException {
            byte[] bytes = withHeader(faceFrameId(), avroLong(10_000_000_000L));
            assertThatThrownBy(() -> deserialize(bytes))
                    .isInstanceOf(MalformedAvroException.class)
                    .hasMessageContaining("string length 10000000000 exceeds");
        }

        @Test
        @DisplayName("a declared array of two billion scores in a few bytes is rejected before anything is allocated")
        void absurdArrayCount() throws IOException {
            AvroSerde<EmotionEvent> events = AvroSerde.forValues(EmotionEvent.class, registry);
            byte[] good = events.serializer().serialize("emotions", SampleRecords.event("e"));
            int id = ByteBuffer.wrap(good, 1, 4).getInt();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(body, null);
            enc.writeString("e");
            enc.writeString("cam");
            enc.writeLong(1L);
            enc.writeLong(2L);
            enc.writeEnum(3);
            enc.writeFloat(0.5f);
            enc.writeLong(2_000_000_000L); // block count of the scores array
            enc.flush();
            byte[] bytes = withHeader(id, body.toByteArray());
            assertThatThrownBy(() -> events.deserializer().deserialize("emotions", bytes))
                    .isInstanceOf(MalformedAvroException.class)
                    .hasMessageContaining("block of 2000000000 element(s) cannot fit");
        }

        @Test
        @DisplayName("10 MB of random bytes behind a valid header give MalformedAvroException, not an OutOfMemoryError")
        void tenMegabytesOfGarbage() {
            int id = faceFrameId();
            Random random = new Random(42);
            for (int i = 0; i < 5; i++) {
                byte[] garbage = new byte[10 * 1024 * 1024];
                random.nextBytes(garbage);
                byte[] bytes = withHeader(id, garbage);
                assertThatThrownBy(() -> deserialize(bytes)).isInstanceOf(MalformedAvroException.class);
            }
        }

        @Test
        @DisplayName("another record type on the topic throws SchemaMismatchException (SCHEMA_MISMATCH)")
        void wrongRecordType() {
            AvroSerde<EmotionEvent> events = AvroSerde.forValues(EmotionEvent.class, registry);
            byte[] eventBytes = events.serializer().serialize(TOPIC, SampleRecords.event("e"));
            assertThatThrownBy(() -> deserialize(eventBytes))
                    .isInstanceOfSatisfying(SchemaMismatchException.class,
                            e -> assertThat(e.reason()).isEqualTo(FaceSerdeException.Reason.SCHEMA_MISMATCH))
                    .hasMessageContaining("dev.emostream.schemas.EmotionEvent")
                    .hasMessageContaining("dev.emostream.schemas.FaceFrame");
        }

        @Test
        @DisplayName("a record missing a required field cannot be serialized: InvalidRecordException (INVALID_RECORD)")
        void invalidRecord() {
            FaceFrame broken = SampleRecords.frame("f", null);
            broken.setFrameId(null);
            assertThatThrownBy(() -> serialize(broken))
                    .isInstanceOfSatisfying(InvalidRecordException.class,
                            e -> assertThat(e.reason()).isEqualTo(FaceSerdeException.Reason.INVALID_RECORD))
                    .hasMessageContaining(TOPIC);
        }
    }

    @Nested
    @DisplayName("registry use")
    class RegistryUse {

        @Test
        @DisplayName("a thousand records cost one registration and one schema lookup")
        void cachesBothWays() {
            AvroSerde<FaceFrame> reader = AvroSerde.forValues(FaceFrame.class, registry);
            byte[] last = null;
            for (int i = 0; i < 1000; i++) {
                last = serialize(SampleRecords.frame("f-" + i, null));
            }
            int afterWrites = registry.requestCount();
            for (int i = 0; i < 1000; i++) {
                reader.deserializer().deserialize(TOPIC, last);
            }
            assertThat(afterWrites).isEqualTo(1);
            assertThat(registry.requestCount()).isEqualTo(2);
        }

        @Test
        @DisplayName("configured from properties, the serde talks to the registry at schema.registry.url with the retry settings given")
        void configuredFromProperties() throws Exception {
            int closedPort;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                closedPort = s.getLocalPort();
            }
            AvroSerde<FaceFrame> configured = new AvroSerde<>(FaceFrame.class);
            configured.configure(Map.of(
                    "schema.registry.url", "http://localhost:" + closedPort,
                    "max.retries", "1",
                    "retries.wait.ms", "10"), false);

            assertThatThrownBy(() -> configured.serializer().serialize(TOPIC, SampleRecords.frame("f", null)))
                    .isInstanceOfSatisfying(SchemaRegistryUnavailableException.class, e -> {
                        assertThat(e.attempts()).isEqualTo(2);
                        assertThat(e.url()).isEqualTo("http://localhost:" + closedPort + "/subjects/" + TOPIC + "-value/versions");
                    });
        }

        @Test
        @DisplayName("a serde used before configure() says so instead of failing obscurely")
        void unconfigured() {
            AvroSerde<FaceFrame> unconfigured = new AvroSerde<>(FaceFrame.class);
            assertThatThrownBy(() -> unconfigured.serializer().serialize(TOPIC, SampleRecords.frame("f", null)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("configure()");
            assertThatThrownBy(() -> unconfigured.deserializer().deserialize(TOPIC, new byte[] {0, 0, 0, 0, 1}))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("configure()");
        }

        @Test
        @DisplayName("a registry outage is REGISTRY_UNAVAILABLE and retriable, unlike bad data")
        void outageIsRetriable() {
            byte[] bytes = serialize(SampleRecords.frame("f", null));
            registry.simulateOutage(true);
            AvroSerde<FaceFrame> fresh = AvroSerde.forValues(FaceFrame.class, registry);

            assertThatThrownBy(() -> fresh.deserializer().deserialize(TOPIC, bytes))
                    .isInstanceOfSatisfying(SchemaRegistryUnavailableException.class, e -> {
                        assertThat(e.reason()).isEqualTo(FaceSerdeException.Reason.REGISTRY_UNAVAILABLE);
                        assertThat(e.isRetriable()).isTrue();
                    })
                    .isInstanceOf(SerializationException.class);
            assertThatThrownBy(() -> fresh.serializer().serialize("other", SampleRecords.frame("f", null)))
                    .isInstanceOf(SchemaRegistryUnavailableException.class);
        }
    }
}

package dev.emostream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.SampleRecords;
import dev.emostream.schemas.registry.CompatibilityLevel;
import dev.emostream.schemas.registry.InMemorySchemaRegistryClient;
import dev.emostream.schemas.registry.MockSchemaRegistry;
import dev.emostream.schemas.registry.SchemaRegistryClientConfig;
import dev.emostream.schemas.registry.SchemaRegistryException;
import dev.emostream.schemas.registry.UnknownSchemaIdException;

/** The serde under Confluent's configuration keys, against the in-memory registry. */
class ConfluentSerdeOptionsTest {

    private static final String TOPIC = "faces.cam-7";

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    private AvroSerializer<FaceFrame> serializer(Map<String, ?> config, boolean isKey) {
        AvroSerializer<FaceFrame> s = new AvroSerializer<>(registry);
        s.configure(config, isKey);
        return s;
    }

    private static int schemaIdOf(byte[] bytes) {
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }

    @Nested
    @DisplayName("subject name strategies")
    class SubjectNames {

        @Test
        @DisplayName("TopicNameStrategy (the default) registers under <topic>-value")
        void topicName() {
            byte[] bytes = serializer(Map.of(), false).serialize(TOPIC, SampleRecords.frame("f", null));
            assertThat(registry.lookup(TOPIC + "-value", FaceFrame.getClassSchema())).hasValue(schemaIdOf(bytes));
        }

        @Test
        @DisplayName("RecordNameStrategy under Confluent's class name registers under the record's full name")
        void recordName() {
            byte[] bytes = serializer(Map.of(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                    "io.confluent.kafka.serializers.subject.RecordNameStrategy"), false)
                    .serialize(TOPIC, SampleRecords.frame("f", null));
            assertThat(registry.lookup("dev.emostream.schemas.FaceFrame", FaceFrame.getClassSchema()))
                    .hasValue(schemaIdOf(bytes));
            assertThat(registry.lookup(TOPIC + "-value", FaceFrame.getClassSchema())).isEmpty();
        }

        @Test
        @DisplayName("TopicRecordNameStrategy by its short name registers under <topic>-<full name>")
        void topicRecordName() {
            serializer(Map.of(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "TopicRecordNameStrategy"), false)
                    .serialize(TOPIC, SampleRecords.frame("f", null));
            assertThat(registry.lookup(TOPIC + "-dev.emostream.schemas.FaceFrame", FaceFrame.getClassSchema())).isPresent();
        }

        @Test
        @DisplayName("a key serializer reads key.subject.name.strategy, not the value's")
        void keyStrategy() {
            serializer(Map.of(AvroSerdeConfig.KEY_SUBJECT_NAME_STRATEGY, "RecordNameStrategy",
                    AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "TopicRecordNameStrategy"), true)
                    .serialize(TOPIC, SampleRecords.frame("f", null));
            assertThat(registry.lookup("dev.emostream.schemas.FaceFrame", FaceFrame.getClassSchema())).isPresent();
        }

        @Test
        @DisplayName("an unknown strategy is a ConfigException naming the key and the accepted values")
        void unknownStrategy() {
            assertThatThrownBy(() -> serializer(Map.of(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "com.acme.Mine"), false))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("value.subject.name.strategy")
                    .hasMessageContaining("com.acme.Mine")
                    .hasMessageContaining("RecordNameStrategy");
        }
    }

    @Nested
    @DisplayName("use.latest.version")
    class UseLatestVersion {

        @Test
        @DisplayName("writes with the subject's latest schema and its id; a FaceFrame reader still reads the frame")
        void writesWithLatest() throws Exception {
            registry.register(TOPIC + "-value", FaceFrame.getClassSchema());
            Schema latest = SampleRecords.faceFrameWithExtraField(true);
            int latestId = registry.register(TOPIC + "-value", latest);
            FaceFrame frame = SampleRecords.frame("f-latest", null);

            byte[] bytes = serializer(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false",
                    AvroSerdeConfig.USE_LATEST_VERSION, "true"), false).serialize(TOPIC, frame);

            assertThat(schemaIdOf(bytes)).isEqualTo(latestId);
            GenericRecord asLatest = new GenericDatumReader<GenericRecord>(latest)
                    .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
            assertThat(asLatest.get("cameraAngle")).isEqualTo(0);
            assertThat(new AvroDeserializer<>(FaceFrame.class, registry).deserialize(TOPIC, bytes)).isEqualTo(frame);
        }

        /** The latest version requires a field FaceFrame does not have: it cannot read what FaceFrame writes. */
        private void registerLatestThatCannotReadFrames() {
            registry.setCompatibility(TOPIC + "-value", CompatibilityLevel.NONE);
            registry.register(TOPIC + "-value", SampleRecords.faceFrameWithExtraField(false));
        }

        @Test
        @DisplayName("with latest.compatibility.strict (the default) a latest schema that cannot read the record is refused")
        void strict() {
            registerLatestThatCannotReadFrames();

            assertThatThrownBy(() -> serializer(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false",
                    AvroSerdeConfig.USE_LATEST_VERSION, "true"), false).serialize(TOPIC, SampleRecords.frame("f", null)))
                    .isInstanceOfSatisfying(SchemaRegistryException.class,
                            e -> assertThat(e.kind()).isEqualTo(FaceSerdeException.Kind.CONFIGURATION))
                    .hasMessageContaining("latest.compatibility.strict=false");
        }

        @Test
        @DisplayName("with latest.compatibility.strict=false the check is skipped, and a record the schema cannot hold is InvalidRecordException")
        void notStrict() {
            registerLatestThatCannotReadFrames();

            assertThatThrownBy(() -> serializer(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false",
                    AvroSerdeConfig.USE_LATEST_VERSION, "true", AvroSerdeConfig.LATEST_COMPATIBILITY_STRICT, "false"),
                    false).serialize(TOPIC, SampleRecords.frame("f", null)))
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining("latest schema");
        }

        @Test
        @DisplayName("with auto.register.schemas=true it has no effect, as in Confluent's serializers: the record's own schema is registered")
        void ignoredWhenAutoRegistering() throws Exception {
            registry.register(TOPIC + "-value", FaceFrame.getClassSchema());
            registry.register(TOPIC + "-value", SampleRecords.faceFrameWithExtraField(true));

            byte[] bytes = serializer(Map.of(AvroSerdeConfig.USE_LATEST_VERSION, "true"), false)
                    .serialize(TOPIC, SampleRecords.frame("f", null));

            assertThat(registry.schemaById(schemaIdOf(bytes))).isEqualTo(FaceFrame.getClassSchema());
        }
    }

    @Nested
    @DisplayName("mock:// scopes and the no-arg serde")
    class MockScopes {

        @AfterEach
        void dropScopes() {
            MockSchemaRegistry.dropScope("scope-a");
            MockSchemaRegistry.dropScope("scope-b");
        }

        private <T extends org.apache.avro.specific.SpecificRecord> AvroSerde<T> configured(AvroSerde<T> serde, String url) {
            serde.configure(Map.of(SchemaRegistryClientConfig.URL, url), false);
            return serde;
        }

        @Test
        @DisplayName("serdes configured with the same mock:// scope share schemas; another scope does not know them")
        void scopes() {
            byte[] bytes = configured(new AvroSerde<>(FaceFrame.class), "mock://scope-a")
                    .serializer().serialize(TOPIC, SampleRecords.frame("f", null));

            assertThat(configured(new AvroSerde<>(FaceFrame.class), "mock://scope-a").deserializer()
                    .deserialize(TOPIC, bytes).getFrameId()).isEqualTo("f");
            assertThatThrownBy(() -> configured(new AvroSerde<>(FaceFrame.class), "mock://scope-b").deserializer()
                    .deserialize(TOPIC, bytes)).isInstanceOf(UnknownSchemaIdException.class);
        }

        @Test
        @DisplayName("a no-arg AvroSerde configured from schema.registry.url reads each record as the class its writer schema names")
        void noArgSerde() {
            AvroSerde<org.apache.avro.specific.SpecificRecord> serde = configured(new AvroSerde<>(), "mock://scope-a");
            FaceFrame frame = SampleRecords.frame("f", null);
            EmotionEvent event = SampleRecords.event("f");

            assertThat(serde.deserializer().deserialize("faces.x", serde.serializer().serialize("faces.x", frame)))
                    .isEqualTo(frame);
            assertThat(serde.deserializer().deserialize("emotions", serde.serializer().serialize("emotions", event)))
                    .isEqualTo(event);
        }

        @Test
        @DisplayName("mock:// cannot be mixed with real URLs")
        void mockAlone() {
            assertThatThrownBy(() -> configured(new AvroSerde<>(FaceFrame.class), "mock://a,http://localhost:8081"))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("mock://");
        }
    }
}

package dev.emostream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.emostream.app.StreamThreadFailurePolicy;
import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.app.model.ModelHolder;
import dev.emostream.app.model.ServingModel;
import dev.emostream.app.testing.Frames;
import dev.emostream.app.testing.StandInClassifier;
import dev.emostream.model.Emotion;
import dev.emostream.schemas.AccuracySnapshot;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.InMemorySchemaRegistryClient;
import dev.emostream.schemas.registry.MockSchemaRegistry;
import dev.emostream.schemas.registry.SchemaRegistryClientConfig;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.AvroSerde;
import dev.emostream.schemas.serde.AvroSerdeConfig;
import dev.emostream.schemas.serde.AvroSerializer;

/** The app's serde keys reach the serdes its topology makes; the no-arg AvroSerde works as default.value.serde. */
@DisplayName("serde configuration in topologies")
class TopologySerdeConfigTest {

    private static final String INPUT = "faces.cam-1";
    private static final Duration MAX_WAIT = Duration.ofMillis(100);

    @TempDir
    Path stateDir;

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private TopologyTestDriver driver;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        MockSchemaRegistry.dropScope("default-serde");
    }

    private Properties streamsProperties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "serde-config-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }

    /** Sends one labeled frame through the app's topology built with {@code serdeConfig}; returns what was thrown. */
    private Throwable runOneFrame(Map<String, ?> serdeConfig) {
        TopologySettings settings = TopologySettings.defaults().withBatch(4, MAX_WAIT);
        ModelHolder models = new ModelHolder(ServingModel.shared(new StandInClassifier("v1"), "test"));
        driver = new TopologyTestDriver(EmotionTopology.build(settings, models, registry, serdeConfig,
                AppMetrics.inMemory(), Runnable::run), streamsProperties());
        TestInputTopic<byte[], byte[]> input = driver.createInputTopic(INPUT, new ByteArraySerializer(),
                new ByteArraySerializer());
        return catchThrowable(() -> {
            input.pipeInput("cam-1".getBytes(), new AvroSerializer<FaceFrame>(registry).serialize(INPUT,
                    Frames.frame("f1", "cam-1", Emotion.HAPPY, dev.emostream.schemas.Emotion.HAPPY)));
            driver.advanceWallClockTime(MAX_WAIT);
        });
    }

    private TestOutputTopic<byte[], EmotionEvent> emotions() {
        return driver.createOutputTopic(TopologySettings.DEFAULT_EMOTIONS_TOPIC, new ByteArrayDeserializer(),
                new AvroDeserializer<>(EmotionEvent.class, registry));
    }

    @Test
    @DisplayName("auto.register.schemas=false with the output subjects registered beforehand: events flow")
    void noAutoRegisterWithRegisteredSubjects() {
        registry.register("emotions-value", EmotionEvent.getClassSchema());
        registry.register("emotion-accuracy-value", AccuracySnapshot.getClassSchema());

        assertThat(runOneFrame(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false"))).isNull();

        assertThat(emotions().readValuesToList()).extracting(EmotionEvent::getFrameId).containsExactly("f1");
    }

    @Test
    @DisplayName("auto.register.schemas=false without the subjects: the failure is one the app stops on")
    void noAutoRegisterWithoutSubjects() {
        Throwable thrown = runOneFrame(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false"));

        assertThat(thrown).hasStackTraceContaining("not registered under subject emotions-value");
        assertThat(new StreamThreadFailurePolicy(5, Duration.ofMinutes(10), Duration.ZERO).onFailure(thrown, 0).stop())
                .isTrue();
    }

    @Test
    @DisplayName("value.subject.name.strategy=RecordNameStrategy: events are registered under the record's full name")
    void recordNameStrategy() {
        runOneFrame(Map.of(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                "io.confluent.kafka.serializers.subject.RecordNameStrategy"));

        assertThat(registry.lookup("dev.emostream.schemas.EmotionEvent", EmotionEvent.getClassSchema())).isPresent();
        assertThat(registry.lookup("emotions-value", EmotionEvent.getClassSchema())).isEmpty();
    }

    @Test
    @DisplayName("a 409 for our own event schema (an incompatible subject) is a failure the app stops on")
    void incompatibleOutputSchema() {
        Schema other = SchemaBuilder.record("EmotionEvent").namespace("dev.emostream.schemas").fields()
                .requiredInt("somethingElse").endRecord();
        registry.register("emotions-value", other);

        Throwable thrown = runOneFrame(Map.of());

        assertThat(thrown).hasStackTraceContaining("incompatible");
        assertThat(new StreamThreadFailurePolicy(5, Duration.ofMinutes(10), Duration.ZERO).onFailure(thrown, 0).stop())
                .isTrue();
    }

    @Test
    @DisplayName("AvroSerde as default.value.serde, configured by Streams from schema.registry.url=mock://scope")
    void defaultValueSerde() {
        Properties props = streamsProperties();
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, AvroSerde.class.getName());
        props.put(SchemaRegistryClientConfig.URL, "mock://default-serde");
        StreamsBuilder builder = new StreamsBuilder();
        builder.<String, FaceFrame>stream("faces.in")
                .filter((key, frame) -> frame.getWidth() == 48)
                .to("faces.checked");
        driver = new TopologyTestDriver(builder.build(), props);
        AvroSerde<FaceFrame> client = new AvroSerde<>(FaceFrame.class);
        client.configure(Map.of(SchemaRegistryClientConfig.URL, "mock://default-serde"), false);
        FaceFrame frame = Frames.frame("f1", "cam-1", Emotion.SAD, null);

        driver.createInputTopic("faces.in", Serdes.String().serializer(), client.serializer()).pipeInput("cam-1", frame);

        assertThat(driver.createOutputTopic("faces.checked", Serdes.String().deserializer(), client.deserializer())
                .readValuesToList()).containsExactly(frame);
    }
}

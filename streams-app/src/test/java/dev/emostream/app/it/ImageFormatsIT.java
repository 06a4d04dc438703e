package dev.emostream.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.config.ConfigLoader;
import dev.emostream.app.replay.FaceReplay;
import dev.emostream.app.replay.FrameFormat;
import dev.emostream.app.testing.FaceFrameV1;
import dev.emostream.app.testing.ItSupport;
import dev.emostream.app.testing.TestModels;
import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.embedded.junit.KafkaTestEnvironment;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.model.image.ImageEncoding;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.CompatibilityLevel;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.AvroSerializer;

@ExtendWith(KafkaTestEnvironment.class)
@DisplayName("image formats on a real broker and registry")
class ImageFormatsIT {

    private static final int FACES = 40;
    private static final List<FrameFormat> FORMATS = List.of(
            new FrameFormat(ImageEncoding.PNG, false, 0.9f),
            new FrameFormat(ImageEncoding.PNG, true, 0.9f),
            new FrameFormat(ImageEncoding.JPEG, false, 0.9f),
            new FrameFormat(ImageEncoding.JPEG, true, 0.9f));

    @TempDir
    Path dir;

    @Test
    @DisplayName("on one topic, frames of FaceFrame's first schema and of today's (PNG, JPEG, face boxes) are all "
            + "classified, today's schema registering under BACKWARD; PNG and boxes change no prediction")
    void oldAndNewSchemaOnOneTopic(EmbeddedEnvironment env) throws Exception {
        String run = "fmt" + UUID.randomUUID().toString().substring(0, 6);
        String input = env.createTopic("faces." + run + "-cams", 1);
        Map<String, String> props = ItSupport.appProperties(env, run, dir.resolve("state"), dir.resolve("models"));
        env.createTopic(props.get("emotions.topic"), 1);
        TestModels.write(dir.resolve("models"), "it-" + run, 7);
        List<Fer2013Row> rows = ItSupport.rows(ItSupport.firstRows(dir, FACES));

        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(env.registryUrl());
        String subject = input + "-value";
        try (KafkaProducer<byte[], byte[]> producer = ItSupport.producer(env)) {
            // cameras built before the formats registered the first schema; the subject then became BACKWARD
            for (Fer2013Row row : rows) {
                producer.send(new ProducerRecord<>(input, "old".getBytes(), FaceFrameV1.serialize(registry, subject,
                        "raw-" + row.id(), "old", 48, 48, row.face().pixels(), null)));
            }
            int first = registry.latestVersion(subject).id();
            registry.setCompatibility(subject, CompatibilityLevel.BACKWARD);
            assertThat(registry.testCompatibility(subject, FaceFrame.getClassSchema()).compatible()).isTrue();

            AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(registry);
            for (FrameFormat format : FORMATS) {
                for (int i = 0; i < rows.size(); i++) {
                    FaceFrame frame = FaceReplay.frame(rows.get(i), "new", Clock.systemUTC(), format, i);
                    frame.setFrameId(name(format) + "-" + rows.get(i).id());
                    producer.send(new ProducerRecord<>(input, "new".getBytes(), serializer.serialize(input, frame)));
                }
            }
            assertThat(registry.latestVersion(subject).id()).as("today's schema is a new version").isNotEqualTo(first);
        }

        List<String> overrides = props.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        try (EmotionStreamsApp app = EmotionStreamsApp.create(ConfigLoader.load(null, Map.of(), overrides)).start();
             KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(env, props.get("emotions.topic"))) {
            int expected = FACES * (1 + FORMATS.size());
            List<ConsumerRecord<byte[], byte[]>> read = ItSupport.readAll(events, expected, Duration.ofMinutes(2),
                    Duration.ofSeconds(1));
            AvroDeserializer<EmotionEvent> reader = new AvroDeserializer<>(EmotionEvent.class, registry);
            Map<String, String> predicted = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : read) {
                EmotionEvent e = reader.deserialize(r.topic(), r.value());
                predicted.put(e.getFrameId(), e.getPredicted().name());
            }
            assertThat(predicted).hasSize(expected);
            for (Fer2013Row row : rows) {
                String raw = predicted.get("raw-" + row.id());
                assertThat(predicted.get("png-" + row.id())).as("PNG of face " + row.id()).isEqualTo(raw);
                assertThat(predicted.get("png+box-" + row.id())).as("PNG frame of face " + row.id()).isEqualTo(raw);
                assertThat(predicted.get("jpeg+box-" + row.id())).as("JPEG frame of face " + row.id())
                        .isEqualTo(predicted.get("jpeg-" + row.id()));
            }
            assertThat(app.metrics().classifiedCount()).isEqualTo(expected);
        }
    }

    private static String name(FrameFormat format) {
        return format.encoding().name().toLowerCase(java.util.Locale.ROOT) + (format.faceBox() ? "+box" : "");
    }
}

package dev.emostream.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.DisplayName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.config.ConfigLoader;
import dev.emostream.app.testing.ItSupport;
import dev.emostream.app.testing.TestModels;
import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.embedded.junit.KafkaTestEnvironment;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.AvroSerializer;

@ExtendWith(KafkaTestEnvironment.class)
@DisplayName("a model swap on a real broker")
class ModelSwapIT {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSwapIT.class);
    private static final int FRAMES = 400;

    @TempDir
    Path dir;

    @Test
    @DisplayName("a new artifact dropped in the folder while frames flow serves the later frames; none is lost")
    void swapWhileFlowing(EmbeddedEnvironment env) throws Exception {
        String run = "swap" + UUID.randomUUID().toString().substring(0, 6);
        String input = env.createTopic("faces." + run + "-cam", 1);
        Path models = dir.resolve("models");
        Map<String, String> props = ItSupport.appProperties(env, run, dir.resolve("state"), models);
        props.put("model.watch.interval.ms", "200");
        env.createTopic(props.get("emotions.topic"), 1);
        Path v1 = TestModels.write(models, "swap-v1", 1);
        Files.setLastModifiedTime(v1, FileTime.from(Instant.now().minusSeconds(60)));
        List<Fer2013Row> rows = ItSupport.rows(ItSupport.firstRows(dir, FRAMES));

        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(env.registryUrl());
        AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(registry);
        List<String> overrides = props.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        try (EmotionStreamsApp app = EmotionStreamsApp.create(ConfigLoader.load(null, Map.of(), overrides)).start();
             KafkaProducer<byte[], byte[]> producer = ItSupport.producer(env);
             KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(env, props.get("emotions.topic"))) {
            // about 100 frames a second, so the swap lands in the middle of the stream
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                for (Fer2013Row row : rows) {
                    producer.send(new ProducerRecord<>(input, "cam".getBytes(),
                            serializer.serialize(input, ItSupport.frame(row, "cam"))));
                    pause(10);
                }
                producer.flush();
            });

            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>(
                    ItSupport.readAll(events, 50, Duration.ofMinutes(1), Duration.ZERO));
            TestModels.write(models, "swap-v2", 2);
            read.addAll(ItSupport.readAll(events, FRAMES - read.size(), Duration.ofMinutes(2), Duration.ofSeconds(2)));
            sending.join();

            AvroDeserializer<EmotionEvent> reader = new AvroDeserializer<>(EmotionEvent.class, registry);
            List<EmotionEvent> decoded = read.stream().map(r -> reader.deserialize(r.topic(), r.value())).toList();
            assertThat(decoded).extracting(EmotionEvent::getFrameId)
                    .as("every frame once, in the order sent (one partition, one key)")
                    .containsExactlyElementsOf(rows.stream().map(r -> "row-" + r.index()).toList());
            List<String> versions = decoded.stream().map(EmotionEvent::getModelVersion).toList();
            int firstV2 = versions.indexOf("swap-v2");
            LOG.info("swap: {} events by swap-v1, then {} by swap-v2", firstV2, versions.size() - firstV2);
            assertThat(firstV2).as("v2 served the later frames").isGreaterThan(0);
            assertThat(versions.subList(0, firstV2)).containsOnly("swap-v1");
            assertThat(versions.subList(firstV2, versions.size())).containsOnly("swap-v2");
            assertThat(app.models().current().version()).isEqualTo("swap-v2");
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

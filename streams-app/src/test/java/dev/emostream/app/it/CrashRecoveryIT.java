package dev.emostream.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

import dev.emostream.app.testing.ItSupport;
import dev.emostream.app.testing.TestModels;
import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.embedded.junit.KafkaTestEnvironment;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.AccuracySnapshot;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.app.instances.AppProcess;
import dev.emostream.schemas.serde.AvroSerializer;

@ExtendWith(KafkaTestEnvironment.class)
@DisplayName("crash safety on a real broker")
class CrashRecoveryIT {

    private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryIT.class);
    private static final int FRAMES = 1000;
    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-Dorg.bytedeco.javacpp.maxbytes=1G");

    @TempDir
    Path dir;

    @Test
    @DisplayName("an app process killed mid-stream and restarted leaves every frame counted exactly once")
    void killedAndRestarted(EmbeddedEnvironment env) throws Exception {
        String run = "crash" + UUID.randomUUID().toString().substring(0, 6);
        String input = env.createTopic("faces." + run + "-cams", 2);
        Path models = dir.resolve("models");
        Map<String, String> props = ItSupport.appProperties(env, run, dir.resolve("state"), models);
        props.put("http.port", "-1");
        env.createTopic(props.get("emotions.topic"), 2);
        env.createTopic(props.get("accuracy.topic"), 1);
        TestModels.write(models, "crash-v1", 3);
        List<Fer2013Row> rows = ItSupport.rows(ItSupport.firstRows(dir, FRAMES));

        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(env.registryUrl());
        AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(registry);
        AvroDeserializer<EmotionEvent> eventReader = new AvroDeserializer<>(EmotionEvent.class, registry);
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        AppProcess first = AppProcess.start("first", props, dir, JVM_OPTIONS);
        AppProcess second = null;
        try (KafkaProducer<byte[], byte[]> producer = ItSupport.producer(env);
             KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(env, props.get("emotions.topic"));
             KafkaConsumer<byte[], byte[]> snapshots = ItSupport.committedReader(env, props.get("accuracy.topic"))) {
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < rows.size(); i++) {
                    String source = i % 2 == 0 ? "cam-a" : "cam-b";
                    producer.send(new ProducerRecord<>(input, source.getBytes(),
                            serializer.serialize(input, ItSupport.frame(rows.get(i), source))));
                    pause(8);
                }
                producer.flush();
            });

            read.addAll(ItSupport.readAll(events, 150, Duration.ofMinutes(2), Duration.ZERO));
            first.kill();
            LOG.info("killed the first app process after {} committed events", read.size());
            assertThat(read.size()).as("killed mid-stream, log: " + first.tail(30))
                    .isBetween(150, FRAMES - 1);

            second = AppProcess.start("second", props, dir, JVM_OPTIONS);
            sending.join();
            read.addAll(ItSupport.readAll(events, FRAMES - read.size(), Duration.ofMinutes(3), Duration.ofSeconds(3)));

            List<String> ids = read.stream().map(r -> eventReader.deserialize(r.topic(), r.value()).getFrameId()).toList();
            Set<String> unique = new HashSet<>(ids);
            assertThat(unique).as("no frame lost, log: " + second.tail(30)).hasSize(FRAMES);
            assertThat(ids).as("none duplicated for a read_committed reader").hasSize(FRAMES);

            AccuracySnapshot last = ItSupport.awaitSnapshot(snapshots, registry, "crash-v1|all", FRAMES, Duration.ofSeconds(30));
            assertThat(last.getLabeled()).as("accuracy counts each labeled frame once").isEqualTo(FRAMES);
            assertThat(last.getSeen()).isEqualTo(FRAMES);
        } finally {
            first.kill();
            if (second != null) {
                second.close();
            }
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

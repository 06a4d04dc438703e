package dev.emostream.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import dev.emostream.schemas.serde.AvroSerializer;

/** {@code CrashRecoveryIT}'s approach, three times in one replay, with bad records among the frames. */
@ExtendWith(KafkaTestEnvironment.class)
@DisplayName("app crash loop")
class CrashLoopFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(CrashLoopFaultIT.class);
    private static final int FRAMES = 1200;
    /** One record in 20 is a frame with the wrong pixel count: it must end in rejected-faces, once. */
    private static final int BAD_EVERY = 20;
    private static final int KILLS = 3;

    @TempDir
    Path dir;

    @Test
    @DisplayName("killed without shutdown three times during one replay: every input in exactly one output, once; "
            + "accuracy counts each labeled frame once")
    void killedThreeTimes(EmbeddedEnvironment env) throws Exception {
        String run = "loop" + UUID.randomUUID().toString().substring(0, 6);
        String input = env.createTopic("faces." + run + "-cams", 2);
        Path models = dir.resolve("models");
        Map<String, String> props = ItSupport.appProperties(env, run, dir.resolve("state"), models);
        props.put("http.port", "-1");
        env.createTopic(props.get("emotions.topic"), 2);
        env.createTopic(props.get("accuracy.topic"), 1);
        env.createTopic(props.get("rejected.topic"), 1);
        TestModels.write(models, "loop-v1", 3);
        Path config = FaultSupport.writeConfig(dir.resolve("app.properties"), props);
        List<Fer2013Row> rows = ItSupport.rows(ItSupport.firstRows(dir, FRAMES));
        int bad = FRAMES / BAD_EVERY;
        int good = FRAMES - bad;

        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(env.registryUrl());
        AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(registry);
        AvroDeserializer<EmotionEvent> eventReader = new AvroDeserializer<>(EmotionEvent.class, registry);
        List<Process> processes = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = ItSupport.producer(env);
             KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(env, props.get("emotions.topic"));
             KafkaConsumer<byte[], byte[]> rejected = ItSupport.committedReader(env, props.get("rejected.topic"));
             KafkaConsumer<byte[], byte[]> snapshots = ItSupport.committedReader(env, props.get("accuracy.topic"))) {
            processes.add(FaultSupport.childApp(dir.resolve("app-0.log"), "run", "--config", config.toString()));
            CompletableFuture<Void> sending = FaultSupport.sendWithBadFrames(producer, serializer, input, rows,
                    BAD_EVERY, 15);

            for (int kill = 1; kill <= KILLS; kill++) {
                int target = kill * good / (KILLS + 2);
                read.addAll(ItSupport.readAll(events, target - read.size(), Duration.ofMinutes(3), Duration.ZERO));
                Process victim = processes.get(processes.size() - 1);
                victim.destroyForcibly().waitFor();
                LOG.info("kill {}: app process {} killed after {} committed events", kill, victim.pid(), read.size());
                assertThat(read.size()).as("kill %d mid-stream, log: %s", kill,
                        FaultSupport.tail(dir.resolve("app-" + (kill - 1) + ".log"))).isBetween(target, good - 1);
                processes.add(FaultSupport.childApp(dir.resolve("app-" + kill + ".log"), "run", "--config",
                        config.toString()));
            }
            sending.join();
            read.addAll(ItSupport.readAll(events, good - read.size(), Duration.ofMinutes(4), Duration.ofSeconds(3)));
            List<ConsumerRecord<byte[], byte[]>> deadLetters = ItSupport.readAll(rejected, bad, Duration.ofMinutes(1),
                    Duration.ofSeconds(1));

            List<String> ids = read.stream().map(r -> eventReader.deserialize(r.topic(), r.value()).getFrameId()).toList();
            assertThat(new HashSet<>(ids)).as("no frame lost, log: " + FaultSupport.tail(dir.resolve("app-3.log")))
                    .hasSize(good);
            assertThat(ids).as("none duplicated for a read_committed reader").hasSize(good);
            assertThat(deadLetters).as("every bad record dead-lettered once").hasSize(bad)
                    .allMatch(r -> "SIZE_MISMATCH".equals(FaultSupport.reason(r)));
            List<String> inputsSeen = new ArrayList<>(ids);
            deadLetters.forEach(r -> inputsSeen.add(FaultSupport.header(r, "__streams.errors.partition") + "@"
                    + FaultSupport.header(r, "__streams.errors.offset")));
            assertThat(new HashSet<>(inputsSeen)).as("every input in exactly one of the two outputs").hasSize(FRAMES);

            AccuracySnapshot last = ItSupport.awaitSnapshot(snapshots, registry, "loop-v1|all", good, Duration.ofSeconds(60));
            assertThat(last.getLabeled()).as("accuracy counts each labeled frame once").isEqualTo(good);
            assertThat(last.getSeen()).isEqualTo(good);
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }
}

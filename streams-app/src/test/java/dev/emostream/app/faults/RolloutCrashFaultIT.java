package dev.emostream.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.instances.AppProcess;
import dev.emostream.app.instances.GroupAssignment;
import dev.emostream.app.testing.CliRun;
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

/**
 * A crash mid-rollout: two instances (child JVMs) shadow a challenger on every frame of a labeled replay, one is killed
 * without shutdown (SIGKILL) and started again. The champion's events, the challenger's events and the counts behind
 * the rollout's decision are written in the same transactions, so a {@code read_committed} reader finds every frame
 * once on {@code emotions} and once on the shadow topic, and the challenger's agreement counts every frame once. The
 * rule's minimum is out of reach, so the rollout is under way from the first frame to the last.
 */
@ExtendWith(KafkaTestEnvironment.class)
@DisplayName("an instance killed mid-rollout")
class RolloutCrashFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(RolloutCrashFaultIT.class);
    private static final int PARTITIONS = 4;
    private static final int FRAMES = 1000;
    private static final List<String> INSTANCES = List.of("instance-0", "instance-1");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @DisplayName("killed without shutdown while shadowing: every frame once on emotions and once on the shadow topic; "
            + "accuracy and agreement count each once")
    void killedWhileShadowing(EmbeddedEnvironment env) throws Exception {
        String run = "rollcrash" + UUID.randomUUID().toString().substring(0, 6);
        String input = env.createTopic("faces." + run + "-cams", PARTITIONS);
        Path champion = TestModels.write(dir.resolve("models"), "crash-v1", 21);
        Path challenger = TestModels.write(dir.resolve("models-2"), "crash-v2", 22);
        Map<String, String> props = ItSupport.appProperties(env, run, dir.resolve("state"), champion);
        props.put("http.port", "-1");
        props.put("model.source", "topic");
        props.put("rollout.topic", "model-rollout-" + run);
        props.put("shadow.topic", "emotions-shadow-" + run);
        props.put("rollout.shadow.share", "1");
        props.put("rollout.shadow.yield", "false"); // every frame shadowed, so each can be checked on the shadow topic
        props.put("rollout.min.labeled", "1000000"); // no decision: the rollout lasts the whole replay
        props.put("rollout.max.labeled", "1000000");
        String emotions = env.createTopic(props.get("emotions.topic"), PARTITIONS);
        String shadow = env.createTopic(props.get("shadow.topic"), PARTITIONS);
        env.createTopic(props.get("accuracy.topic"), 1);
        env.createTopic(props.get("rejected.topic"), 1);
        String[] connection = {"-p", "bootstrap.servers=" + env.bootstrapServers(), "-p",
                "schema.registry.url=" + env.registryUrl(), "-p", "rollout.topic=" + props.get("rollout.topic")};
        assertThat(cli(connection, "publish", champion.toString(), "--champion").code()).isZero();
        assertThat(cli(connection, "publish", challenger.toString()).code()).isZero();
        List<Fer2013Row> rows = ItSupport.rows(ItSupport.firstRows(dir, FRAMES));
        List<String> sources = ItSupport.onePerPartition(PARTITIONS);

        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(env.registryUrl());
        AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(registry);
        AvroDeserializer<EmotionEvent> eventReader = new AvroDeserializer<>(EmotionEvent.class, registry);
        Map<String, AppProcess> apps = new HashMap<>();
        List<AppProcess> all = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers()));
             KafkaProducer<byte[], byte[]> producer = ItSupport.producer(env);
             KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(env, emotions);
             KafkaConsumer<byte[], byte[]> shadowEvents = ItSupport.committedReader(env, shadow);
             KafkaConsumer<byte[], byte[]> snapshots = ItSupport.committedReader(env, props.get("accuracy.topic"))) {
            for (String name : INSTANCES) {
                AppProcess p = start(props, name, name);
                apps.put(name, p);
                all.add(p);
            }
            GroupAssignment.await(admin, props.get("application.id"), input, INSTANCES,
                    a -> a.coversExactly(Set.copyOf(INSTANCES), PARTITIONS), Duration.ofMinutes(3));

            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < rows.size(); i++) {
                    String source = sources.get(i % sources.size());
                    producer.send(new ProducerRecord<>(input, source.getBytes(StandardCharsets.UTF_8),
                            serializer.serialize(input, ItSupport.frame(rows.get(i), source))));
                    FaultSupport.pause(10);
                }
                producer.flush();
            });
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>(
                    ItSupport.readAll(events, FRAMES / 4, Duration.ofMinutes(3), Duration.ZERO));
            AppProcess victim = apps.get("instance-0");
            Set<Integer> held = GroupAssignment.read(admin, props.get("application.id"), input, INSTANCES).of("instance-0");
            victim.kill();
            assertThat(held).as("the victim held partitions when it was killed").isNotEmpty();
            LOG.info("instance-0 (partitions {}) killed after {} committed events", held, read.size());
            assertThat(read.size()).as("killed mid-replay, log: " + victim.tail(30)).isBetween(FRAMES / 4, FRAMES - 1);
            all.add(start(props, "instance-0", "instance-0-restarted"));

            sending.join();
            read.addAll(ItSupport.readAll(events, FRAMES - read.size(), Duration.ofMinutes(4), Duration.ofSeconds(3)));
            List<ConsumerRecord<byte[], byte[]>> shadowed = ItSupport.readAll(shadowEvents, FRAMES,
                    Duration.ofMinutes(2), Duration.ofSeconds(3));

            List<String> expected = rows.stream().map(r -> "row-" + r.index()).sorted().toList();
            List<EmotionEvent> served = read.stream().map(r -> eventReader.deserialize(r.topic(), r.value())).toList();
            List<EmotionEvent> shadows = shadowed.stream().map(r -> eventReader.deserialize(r.topic(), r.value()))
                    .toList();
            assertThat(served.stream().map(EmotionEvent::getFrameId).sorted().toList())
                    .as("every frame once on emotions, survivor log: " + apps.get("instance-1").tail(30))
                    .isEqualTo(expected);
            assertThat(shadows.stream().map(EmotionEvent::getFrameId).sorted().toList())
                    .as("every frame once on the shadow topic").isEqualTo(expected);
            assertThat(served).extracting(EmotionEvent::getModelVersion).containsOnly("crash-v1");
            assertThat(shadows).extracting(EmotionEvent::getModelVersion).containsOnly("crash-v2");
            Map<Integer, Long> shadowByPartition = shadowed.stream().collect(Collectors.groupingBy(
                    ConsumerRecord::partition, Collectors.counting()));
            LOG.info("shadow events by partition: {}", shadowByPartition);

            AccuracySnapshot agreement = ItSupport.awaitSnapshot(snapshots, registry, "crash-v2|agreement:crash-v1",
                    FRAMES, Duration.ofSeconds(60));
            assertThat(agreement.getLabeled()).as("the agreement counts each shadowed frame once").isEqualTo(FRAMES);
            try (KafkaConsumer<byte[], byte[]> again = ItSupport.committedReader(env, props.get("accuracy.topic"))) {
                AccuracySnapshot mine = ItSupport.awaitSnapshot(again, registry, "crash-v2|shadow", FRAMES,
                        Duration.ofSeconds(60));
                assertThat(mine.getLabeled()).as("the challenger's accuracy counts each labeled frame once")
                        .isEqualTo(FRAMES);
            }
        } finally {
            for (AppProcess p : all) {
                p.close();
            }
        }
    }

    private AppProcess start(Map<String, String> props, String instance, String name) throws Exception {
        Map<String, String> own = new HashMap<>(props);
        own.put("client.id", instance);
        own.put("state.dir", dir.resolve("state-" + instance).toString());
        return AppProcess.start(name, own, dir, List.of("-Xmx512m", "-Dorg.bytedeco.javacpp.maxbytes=1G"));
    }

    private static CliRun cli(String[] connection, String... args) {
        List<String> all = new ArrayList<>(List.of("models"));
        all.addAll(List.of(args));
        all.addAll(List.of(connection));
        return CliRun.of(all.toArray(String[]::new));
    }
}

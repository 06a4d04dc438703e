package dev.emostream.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
 * Scale-out's failure case: three instances with one application id share six input partitions, one is killed
 * (SIGKILL) during a replay, the two left take over its partitions, and a {@code read_committed} reader still
 * finds every frame exactly once. Standby replicas are on, as docs/CAPACITY.md recommends.
 */
@ExtendWith(KafkaTestEnvironment.class)
@DisplayName("failover between app instances on a real broker")
class FailoverIT {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverIT.class);
    private static final int PARTITIONS = 6;
    private static final int FRAMES = 1800;
    private static final List<String> INSTANCES = List.of("instance-0", "instance-1", "instance-2");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the instances' logs stay when it fails
    Path dir;

    @Test
    @DisplayName("one of three instances killed mid-replay: its partitions move to the others, every frame is in "
            + "the events topic exactly once, accuracy counts each labeled frame once")
    void oneOfThreeKilled(EmbeddedEnvironment env) throws Exception {
        String run = "failover" + UUID.randomUUID().toString().substring(0, 6);
        String input = env.createTopic("faces." + run + "-cams", PARTITIONS);
        Path models = dir.resolve("models");
        Map<String, String> props = ItSupport.appProperties(env, run, dir.resolve("state"), models);
        props.put("http.port", "-1");
        props.put("num.standby.replicas", "1");
        // the events topic has the input's partition count: an event lands in its frame's partition number
        String emotions = env.createTopic(props.get("emotions.topic"), PARTITIONS);
        env.createTopic(props.get("accuracy.topic"), 1);
        env.createTopic(props.get("rejected.topic"), 1);
        TestModels.write(models, "failover-v1", 5);
        List<Fer2013Row> rows = ItSupport.rows(ItSupport.firstRows(dir, FRAMES));
        List<String> sources = ItSupport.onePerPartition(PARTITIONS);

        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(env.registryUrl());
        AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(registry);
        AvroDeserializer<EmotionEvent> eventReader = new AvroDeserializer<>(EmotionEvent.class, registry);
        Map<String, AppProcess> apps = new HashMap<>();
        CountDownLatch killed = new CountDownLatch(1);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers()));
             KafkaProducer<byte[], byte[]> producer = ItSupport.producer(env);
             KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(env, emotions);
             KafkaConsumer<byte[], byte[]> snapshots = ItSupport.committedReader(env, props.get("accuracy.topic"))) {
            for (String name : INSTANCES) {
                Map<String, String> own = new HashMap<>(props);
                own.put("client.id", name);
                own.put("state.dir", dir.resolve("state-" + name).toString());
                apps.put(name, AppProcess.start(name, own, dir, List.of("-Xmx512m", "-Dorg.bytedeco.javacpp.maxbytes=1G")));
            }
            String appId = props.get("application.id");
            LOG.info("instances starting, logs in {}", dir);
            GroupAssignment before = GroupAssignment.await(admin, appId, input, INSTANCES,
                    a -> a.coversExactly(Set.copyOf(INSTANCES), PARTITIONS) && INSTANCES.stream().allMatch(
                            i -> !a.of(i).isEmpty()), Duration.ofMinutes(3));
            LOG.info("before the kill: {}", before.partitions());

            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < rows.size(); i++) {
                    if (i == rows.size() / 2) {
                        await(killed); // the second half is sent after the kill, so the moved partitions get new frames
                    }
                    String source = sources.get(i % sources.size());
                    producer.send(new ProducerRecord<>(input, source.getBytes(StandardCharsets.UTF_8),
                            serializer.serialize(input, ItSupport.frame(rows.get(i), source))));
                    pause(8);
                }
                producer.flush();
            });

            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>(
                    ItSupport.readAll(events, FRAMES / 4, Duration.ofMinutes(2), Duration.ZERO));
            String victim = INSTANCES.get(0);
            Set<Integer> moved = GroupAssignment.read(admin, appId, input, INSTANCES).of(victim);
            long killedAt = System.currentTimeMillis();
            apps.get(victim).kill();
            killed.countDown();
            LOG.info("killed {} (partitions {}) after {} committed events", victim, moved, read.size());
            assertThat(read.size()).as("killed mid-replay, log: " + apps.get(victim).tail(30))
                    .isBetween(FRAMES / 4, FRAMES - 1);
            assertThat(moved).as("the victim held partitions when it was killed").isNotEmpty();

            Set<String> survivors = new TreeSet<>(INSTANCES.subList(1, INSTANCES.size()));
            GroupAssignment after = GroupAssignment.await(admin, appId, input, INSTANCES,
                    a -> a.coversExactly(survivors, PARTITIONS), Duration.ofMinutes(1));
            LOG.info("after the kill: {}", after.partitions());

            sending.join();
            read.addAll(ItSupport.readAll(events, FRAMES - read.size(), Duration.ofMinutes(2), Duration.ofSeconds(3)));
            List<EmotionEvent> decoded = read.stream().map(r -> eventReader.deserialize(r.topic(), r.value())).toList();
            logFailover(read, decoded, moved, killedAt);

            Map<String, Long> perFrame = decoded.stream().collect(Collectors.groupingBy(EmotionEvent::getFrameId,
                    Collectors.counting()));
            Set<String> expected = rows.stream().map(r -> "row-" + r.index()).collect(Collectors.toSet());
            assertThat(perFrame.keySet()).as("no frame lost, survivor log: " + apps.get(INSTANCES.get(1)).tail(30))
                    .isEqualTo(expected);
            assertThat(perFrame.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                    .as("no frame twice for a read_committed reader").isEmpty();
            assertThat(decoded).hasSize(FRAMES);

            AccuracySnapshot last = ItSupport.awaitSnapshot(snapshots, registry, "failover-v1|all", FRAMES,
                    Duration.ofSeconds(60));
            assertThat(last.getLabeled()).as("accuracy counts each labeled frame once").isEqualTo(FRAMES);
            assertThat(last.getSeen()).isEqualTo(FRAMES);
        } finally {
            killed.countDown();
            for (AppProcess app : apps.values()) {
                app.close();
            }
        }
    }

    /** For the log only (timing is for the benchmark): when the moved partitions' first event was classified. */
    private static void logFailover(List<ConsumerRecord<byte[], byte[]>> read, List<EmotionEvent> decoded,
                                    Set<Integer> moved, long killedAt) {
        long first = Long.MAX_VALUE;
        for (int i = 0; i < read.size(); i++) {
            long classified = decoded.get(i).getClassifiedTime().toEpochMilli();
            if (moved.contains(read.get(i).partition()) && classified >= killedAt) {
                first = Math.min(first, classified);
            }
        }
        LOG.info("first event of a moved partition classified {} ms after the kill", first - killedAt);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

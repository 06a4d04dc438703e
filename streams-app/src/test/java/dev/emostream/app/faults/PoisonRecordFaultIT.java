package dev.emostream.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.testing.Frames;
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
@DisplayName("poison records among good frames")
class PoisonRecordFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(PoisonRecordFaultIT.class);
    private static final int GOOD = 2000;
    private static final int BAD = GOOD / 10;
    /** Input and dead-letter topics accept the 10 MB record; so must the app's producer (see OPERATIONS.md). */
    private static final int MAX_MESSAGE = 12 * 1024 * 1024;
    private static final long HEAP_PEAK_BOUND = 2L << 30;
    private static final long HEAP_AFTER_GC_BOUND = 768L << 20;

    /** One kind of garbage; {@code reasons} are the dead-letter reasons it may get. */
    private enum Poison {
        TRUNCATED_AVRO("MALFORMED_AVRO"),
        WRONG_MAGIC_BYTE("BAD_MAGIC_BYTE"),
        UNKNOWN_SCHEMA_ID("UNKNOWN_SCHEMA_ID"),
        HUGE_DIMENSIONS("SIZE_OUT_OF_BOUNDS"),
        WRONG_PIXEL_COUNT("SIZE_MISMATCH"),
        EMPTY_VALUE("EMPTY_PAYLOAD"),
        TOMBSTONE("TOMBSTONE"),
        RANDOM_BYTES("BAD_MAGIC_BYTE", "MALFORMED_AVRO", "UNKNOWN_SCHEMA_ID", "EMPTY_PAYLOAD", "SCHEMA_MISMATCH",
                "UNDECODABLE", "MISSING_FIELD", "SIZE_MISMATCH", "SIZE_OUT_OF_BOUNDS"),
        TEN_MEGABYTES("SIZE_OUT_OF_BOUNDS");

        final Set<String> reasons;

        Poison(String... reasons) {
            this.reasons = Set.of(reasons);
        }
    }

    @TempDir
    Path dir;

    @Test
    @DisplayName("10% garbage among 2,000 frames: each bad record dead-lettered once with its reason, each good one "
            + "classified once, heap bounded")
    void garbageInterleaved(EmbeddedEnvironment env) throws Exception {
        String run = "poison" + UUID.randomUUID().toString().substring(0, 6);
        Path models = dir.resolve("models");
        Map<String, String> props = ItSupport.appProperties(env, run, dir.resolve("state"), models);
        props.put("http.port", "-1");
        props.put("producer.max.request.size", String.valueOf(MAX_MESSAGE));
        String input = "faces." + run + "-cams";
        Map<String, String> big = Map.of("max.message.bytes", String.valueOf(MAX_MESSAGE));
        env.admin().createTopics(List.of(new NewTopic(input, 2, (short) 1).configs(big),
                new NewTopic(props.get("rejected.topic"), 1, (short) 1).configs(big),
                new NewTopic(props.get("emotions.topic"), 2, (short) 1),
                new NewTopic(props.get("accuracy.topic"), 1, (short) 1))).all().get();
        TestModels.write(models, "poison-v1", 5);
        List<Fer2013Row> rows = ItSupport.rows(ItSupport.firstRows(dir, GOOD));

        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(env.registryUrl());
        AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(registry);
        Random random = new Random(42);
        Map<String, Poison> poisonByKey = new HashMap<>();
        Map<String, byte[]> poisonBytes = new HashMap<>();

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        AtomicLong heapPeak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                heapPeak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                FaultSupport.pause(100);
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();

        Map<String, Object> producerProps = new HashMap<>();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_MESSAGE);
        try (EmotionStreamsApp app = FaultSupport.startApp(props);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                     new ByteArraySerializer());
             KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(env, props.get("emotions.topic"));
             KafkaConsumer<byte[], byte[]> rejected = ItSupport.committedReader(env, props.get("rejected.topic"))) {
            int bad = 0;
            for (int i = 0; i < GOOD; i++) {
                String source = i % 2 == 0 ? "cam-a" : "cam-b";
                byte[] good = serializer.serialize(input, ItSupport.frame(rows.get(i), source));
                producer.send(new ProducerRecord<>(input, source.getBytes(), good));
                if (i % 10 == 9) {
                    Poison kind = bad == BAD / 2 ? Poison.TEN_MEGABYTES
                            : Poison.values()[bad % (Poison.values().length - 1)];
                    String key = "bad-" + bad + "-" + kind;
                    byte[] value = poison(kind, good, input, serializer, random, bad);
                    poisonByKey.put(key, kind);
                    poisonBytes.put(key, value);
                    producer.send(new ProducerRecord<>(input, key.getBytes(), value));
                    bad++;
                }
            }
            producer.flush();
            assertThat(bad).isEqualTo(BAD);

            List<ConsumerRecord<byte[], byte[]>> deadLetters = ItSupport.readAll(rejected, BAD, Duration.ofMinutes(5),
                    Duration.ZERO);
            List<ConsumerRecord<byte[], byte[]>> classified = ItSupport.readAll(events, GOOD, Duration.ofMinutes(5),
                    Duration.ofSeconds(2));
            deadLetters.addAll(ItSupport.readAll(rejected, 0, Duration.ZERO, Duration.ofSeconds(1)));
            sampler.interrupt();

            Map<String, String> reasonByKey = new HashMap<>();
            List<String> keys = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
                String key = new String(r.key());
                keys.add(key);
                reasonByKey.put(key, FaultSupport.reason(r));
                assertThat(r.value()).as("dead letter %s keeps the original bytes", key).isEqualTo(poisonBytes.get(key));
            }
            assertThat(keys).as("every bad record dead-lettered exactly once").hasSize(BAD)
                    .containsExactlyInAnyOrderElementsOf(poisonByKey.keySet());
            poisonByKey.forEach((key, kind) -> assertThat(kind.reasons).as("reason of %s", key)
                    .contains(reasonByKey.get(key)));

            AvroDeserializer<EmotionEvent> reader = new AvroDeserializer<>(EmotionEvent.class, registry);
            List<String> ids = classified.stream().map(r -> reader.deserialize(r.topic(), r.value()).getFrameId()).toList();
            assertThat(ids).as("every good frame classified exactly once").hasSize(GOOD);
            assertThat(new HashSet<>(ids)).hasSize(GOOD);

            System.gc();
            long afterGc = memory.getHeapMemoryUsage().getUsed();
            LOG.info("heap: peak {} MiB during the run, {} MiB after GC (max {} MiB); reasons {}", heapPeak.get() >> 20,
                    afterGc >> 20, memory.getHeapMemoryUsage().getMax() >> 20, new java.util.TreeMap<>(
                            reasonByKey.values().stream().collect(java.util.stream.Collectors.groupingBy(r -> r,
                                    java.util.stream.Collectors.counting()))));
            assertThat(heapPeak.get()).as("heap peak (broker, app and test share this JVM)").isLessThan(HEAP_PEAK_BOUND);
            assertThat(afterGc).as("heap after GC: nothing retained from the big records").isLessThan(HEAP_AFTER_GC_BOUND);
        } finally {
            sampler.interrupt();
        }
    }

    private static byte[] poison(Poison kind, byte[] good, String topic, AvroSerializer<FaceFrame> serializer,
                                 Random random, int n) {
        return switch (kind) {
            case TRUNCATED_AVRO -> Arrays.copyOf(good, 5 + (good.length - 5) * 2 / 3);
            case WRONG_MAGIC_BYTE -> {
                byte[] b = good.clone();
                b[0] = 7;
                yield b;
            }
            case UNKNOWN_SCHEMA_ID -> ByteBuffer.allocate(good.length).put(good).putInt(1, 0x7fff0000 + n).array();
            case HUGE_DIMENSIONS -> serializer.serialize(topic, Frames.frame("huge-" + n, "cam-x", 100_000, 100_000,
                    new byte[2304], null));
            case WRONG_PIXEL_COUNT -> serializer.serialize(topic, Frames.frame("short-" + n, "cam-x", 48, 48,
                    new byte[2303], null));
            case EMPTY_VALUE -> new byte[0];
            case TOMBSTONE -> null;
            case RANDOM_BYTES -> {
                byte[] b = new byte[1 + random.nextInt(600)];
                random.nextBytes(b);
                yield b;
            }
            case TEN_MEGABYTES -> serializer.serialize(topic, Frames.frame("ten-mb", "cam-x", 3200, 3200,
                    new byte[3200 * 3200], null));
        };
    }
}

package dev.emostream.app.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.GZIPInputStream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.model.csv.Fer2013CsvReader;
import dev.emostream.model.csv.Fer2013Files;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.AccuracySnapshot;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;

/** What the integration tests share: FER2013 faces from the bundled sample, clients for the embedded broker, app properties. */
public final class ItSupport {

    private ItSupport() {
    }

    /**
     * The header and {@code n} faces of the bundled FER2013 sample (its 800 test faces, then its 1,600 training
     * faces) as a plain CSV in {@code dir}. Past the sample's 2,400 faces it starts over, with a suffix that keeps
     * every id unique: the tests count and compare what comes out, they do not need new faces.
     */
    public static Path firstRows(Path dir, int n) throws IOException {
        Fer2013Files data = Fer2013Files.find();
        List<String> faces = new ArrayList<>();
        String header = null;
        for (String file : List.of(Fer2013Files.PUBLIC_TEST_SAMPLE, Fer2013Files.TRAIN_SAMPLE)) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    new GZIPInputStream(Files.newInputStream(data.sample(file))), StandardCharsets.US_ASCII))) {
                header = in.readLine();
                in.lines().forEach(faces::add);
            }
        }
        List<String> lines = new ArrayList<>(n + 1);
        lines.add(header);
        for (int i = 0; i < n; i++) {
            int round = i / faces.size();
            String face = faces.get(i % faces.size());
            lines.add(round == 0 ? face : face.replaceFirst(",", "-" + round + ","));
        }
        Path out = dir.resolve("sample_first_" + n + ".csv");
        Files.write(out, lines);
        return out;
    }

    public static List<Fer2013Row> rows(Path csv) throws IOException {
        List<Fer2013Row> rows = new ArrayList<>();
        try (Fer2013CsvReader reader = Fer2013CsvReader.open(csv)) {
            reader.forEach(rows::add, e -> {
                throw new IllegalStateException(e);
            });
        }
        return rows;
    }

    public static FaceFrame frame(Fer2013Row row, String source) {
        return FaceFrame.newBuilder()
                .setFrameId("row-" + row.index())
                .setSourceId(source)
                .setCaptureTime(Instant.now())
                .setWidth(row.face().width())
                .setHeight(row.face().height())
                .setPixels(ByteBuffer.wrap(row.face().pixels()))
                .setTrueLabel(row.label() == null ? null : Emotion.values()[row.label().code()])
                .build();
    }

    public static KafkaProducer<byte[], byte[]> producer(EmbeddedEnvironment env) {
        return producer(env.bootstrapServers());
    }

    /** An idempotent producer of raw bytes (the tests serialize, or break, the values themselves). */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A read_committed consumer assigned to every partition of {@code topic} from the start. */
    public static KafkaConsumer<byte[], byte[]> committedReader(EmbeddedEnvironment env, String topic) {
        return committedReader(env.bootstrapServers(), topic);
    }

    /** The same against any broker (the fault tests' own brokers). */
    public static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /**
     * Reads until {@code expected} records arrived (or {@code timeout} passed), then keeps reading for
     * {@code quiet} to catch any extra record that should not be there.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaConsumer<byte[], byte[]> consumer, int expected,
                                                              Duration timeout, Duration quiet) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        long quietEnd = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < quietEnd) {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    /**
     * The latest accuracy snapshot for {@code key} ({@code <version>|all} or {@code <version>|source:<id>}), read
     * until it counts {@code labeled} frames or {@code timeout} passes; fails when none arrived at all.
     */
    public static AccuracySnapshot awaitSnapshot(KafkaConsumer<byte[], byte[]> consumer, SchemaRegistryClient registry,
                                                 String key, long labeled, Duration timeout) {
        AvroDeserializer<AccuracySnapshot> reader = new AvroDeserializer<>(AccuracySnapshot.class, registry);
        AccuracySnapshot latest = null;
        java.util.Set<String> keys = new java.util.HashSet<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && (latest == null || latest.getLabeled() < labeled)) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                String k = new String(r.key(), StandardCharsets.UTF_8);
                keys.add(k);
                if (k.equals(key)) {
                    latest = reader.deserialize(r.topic(), r.value());
                }
            }
        }
        if (latest == null) {
            throw new AssertionError("no accuracy snapshot for " + key + " within " + timeout + "; keys seen " + keys);
        }
        return latest;
    }

    /** Source ids (record keys) that the default partitioner sends to partitions 0..n-1, one each. */
    public static List<String> onePerPartition(int n) {
        Map<Integer, String> byPartition = new java.util.TreeMap<>();
        for (int i = 0; byPartition.size() < n; i++) {
            String key = "cam-" + i;
            byPartition.putIfAbsent(Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % n, key);
        }
        return List.copyOf(byPartition.values());
    }

    /** Properties for one app instance with its own topics, application id and state. */
    public static Map<String, String> appProperties(EmbeddedEnvironment env, String run, Path stateDir, Path model) {
        return appProperties(env.bootstrapServers(), env.registryUrl(), run, stateDir, model);
    }

    /** The same, for a broker and registry other than the shared test environment. */
    public static Map<String, String> appProperties(String bootstrap, String registryUrl, String run, Path stateDir,
                                                    Path model) {
        Map<String, String> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("schema.registry.url", registryUrl);
        p.put("application.id", "emostream-" + run);
        p.put("state.dir", stateDir.toString());
        p.put("input.pattern", "faces\\." + run + "-.*");
        p.put("emotions.topic", "emotions-" + run);
        p.put("accuracy.topic", "emotion-accuracy-" + run);
        p.put("rejected.topic", "rejected-faces-" + run);
        p.put("model.path", model.toString());
        p.put("http.port", "0");
        p.put("classifier.batch.size", "32");
        p.put("classifier.batch.max.wait.ms", "50");
        // a killed instance's partitions move on after 6 s (the broker's minimum) instead of 45 s
        p.put("consumer.session.timeout.ms", "6000");
        p.put("consumer.heartbeat.interval.ms", "1000");
        // the pattern subscription sees topics created after start within a second
        p.put("consumer.metadata.max.age.ms", "1000");
        p.put("commit.interval.ms", "100");
        return p;
    }
}

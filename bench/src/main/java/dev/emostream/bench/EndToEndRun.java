package dev.emostream.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.config.AppConfig;
import dev.emostream.app.replay.FrameFormat;
import dev.emostream.embedded.EmbeddedKafkaBroker;
import dev.emostream.embedded.EmbeddedSchemaRegistry;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.AvroSerializer;

/**
 * The app as it runs, end to end: the in-process KRaft broker, the Apicurio registry (child process), one or
 * more {@link EmotionStreamsApp} instances with the same application id (none for {@code failover}, which starts
 * them as child JVMs with {@link #appProperties}), a producer replaying public-test faces
 * and a {@code read_committed} consumer on the events topic. Latency is capture time (set when the frame is
 * sent) to the moment the consumer sees the committed event; throughput is frames over first send to last
 * event seen.
 */
final class EndToEndRun implements AutoCloseable {

    static final String INPUT = "faces.bench";
    static final String EMOTIONS = "emotions";
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    /** One measured stretch of frames, recognized by the prefix of their frame ids. */
    static final class Phase {
        final String name;
        final int expected;
        final Histogram latencyMs = new Histogram(TimeUnit.MINUTES.toMillis(30), 3);
        /** Capture to classified (queue, batch wait, inference), and classified to seen (commit, fetch). */
        final Histogram classifiedMs = new Histogram(TimeUnit.MINUTES.toMillis(30), 3);
        final Histogram visibleMs = new Histogram(TimeUnit.MINUTES.toMillis(30), 3);
        /** Worst latency among the events seen in each second of the phase: where in time the tail comes from. */
        final Map<Integer, Long> worstPerSecond = new TreeMap<>();
        final CountDownLatch done;
        volatile long firstSendNanos;
        volatile long lastSendNanos;
        volatile long lastSeenNanos;
        int seen;
        /** JIT compile time (ms, all compiler threads) at the phase's first send and at its last event. */
        long jitMsAtStart;
        long jitMsAtEnd;
        /** The apps' batch meters at the phase's start and end: {batches, frames, inference seconds}. */
        double[] batchesAtStart;
        double[] batchesAtEnd;

        Phase(String name, int expected) {
            this.name = name;
            this.expected = expected;
            this.done = new CountDownLatch(expected);
        }

        double framesPerSecond() {
            return seen / ((lastSeenNanos - firstSendNanos) / 1e9);
        }

        /** Share of the phase's wall time the JIT spent compiling: what it took from the model on these cores. */
        double jitCompileShare() {
            return (jitMsAtEnd - jitMsAtStart) / Math.max(1e-9, (lastSeenNanos - firstSendNanos) / 1e6);
        }

        double sendRate() {
            return expected / Math.max(1e-9, (lastSendNanos - firstSendNanos) / 1e9);
        }
    }

    private final EndToEndOptions options;
    private final Path modelFile;
    private final List<Fer2013Row> faces;
    private final MemorySampler memory;
    private EmbeddedKafkaBroker broker;
    private EmbeddedSchemaRegistry registry;
    private final List<EmotionStreamsApp> apps = new ArrayList<>();
    private KafkaProducer<byte[], byte[]> producer;
    private AvroSerializer<FaceFrame> frames;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread reader;
    private final Map<String, Phase> phases = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile EventListener listener = (record, event, seenNanos) -> { };
    private Path stateRoot;
    /** What frame i carries: {@code images[i % length]}, encoded before sending ({@link #images}). */
    private volatile FrameFormat.CameraImage[] images;

    /** Sees every committed event the reader gets, on the reader's thread (the failover count reads ids). */
    interface EventListener {
        void seen(ConsumerRecord<byte[], byte[]> record, EmotionEvent event, long seenNanos);
    }

    EndToEndRun(EndToEndOptions options, Path modelFile, List<Fer2013Row> faces, MemorySampler memory) {
        this.options = options;
        this.modelFile = modelFile;
        this.faces = faces;
        this.memory = memory;
        this.images = images(FrameFormat.RAW, faces, faces.size());
    }

    /**
     * The first {@code distinct} faces as {@code format}, encoded now: a 640x480 JPEG takes milliseconds to encode,
     * which a camera pays, not the app, so the producer must not pay it per send.
     */
    static FrameFormat.CameraImage[] images(FrameFormat format, List<Fer2013Row> faces, int distinct) {
        FrameFormat.CameraImage[] encoded = new FrameFormat.CameraImage[Math.min(distinct, faces.size())];
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = format.encode(faces.get(i).face(), i);
        }
        return encoded;
    }

    /** The next phases send these images, frame i the image i modulo their number, with its face's label. */
    void sendImages(FrameFormat.CameraImage[] pool) {
        images = pool;
    }

    EndToEndRun start() throws Exception {
        long t0 = System.nanoTime();
        CompletableFuture<EmbeddedSchemaRegistry> reg = CompletableFuture.supplyAsync(EmbeddedSchemaRegistry::start);
        broker = EmbeddedKafkaBroker.start(options.brokerProperties);
        registry = reg.join();
        broker.createTopic(INPUT, options.partitions);
        broker.createTopic(EMOTIONS, options.partitions);
        broker.createTopic("emotion-accuracy", 1);
        broker.createTopic("rejected-faces", 1);
        stateRoot = Files.createTempDirectory("emostream-bench-state");
        for (int i = 0; i < options.instances; i++) {
            apps.add(EmotionStreamsApp.create(new AppConfig(appProperties(i))).start());
        }
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
        frames = new AvroSerializer<>(client);
        producer = producer();
        consumer = committedReader();
        AvroDeserializer<EmotionEvent> events = new AvroDeserializer<>(EmotionEvent.class, client);
        reader = new Thread(() -> read(events), "bench-committed-reader");
        reader.setDaemon(true);
        reader.start();
        awaitRunning(Duration.ofMinutes(2));
        System.err.printf("e2e: broker, registry and %d app instance(s) up in %.1f s%n", apps.size(),
                (System.nanoTime() - t0) / 1e9);
        return this;
    }

    Map<String, String> appProperties(int instance) {
        Map<String, String> p = new HashMap<>(AppConfig.defaults());
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("schema.registry.url", registry.url());
        p.put("application.id", "emostream-bench");
        p.put("state.dir", stateRoot.resolve("instance-" + instance).toString());
        p.put(AppConfig.INPUT_PATTERN, "faces\\.bench");
        p.put(AppConfig.EMOTIONS_TOPIC, EMOTIONS);
        p.put(AppConfig.ACCURACY_TOPIC, "emotion-accuracy");
        p.put(AppConfig.REJECTED_TOPIC, "rejected-faces");
        p.put(AppConfig.MODEL_PATH, modelFile.toString());
        p.put(AppConfig.MODEL_WATCH_INTERVAL_MS, "0");
        p.put(AppConfig.HTTP_PORT, "-1");
        if (options.batchSize > 0) {
            p.put(AppConfig.BATCH_SIZE, String.valueOf(options.batchSize));
        }
        if (options.maxWaitMs >= 0) {
            p.put(AppConfig.BATCH_MAX_WAIT_MS, String.valueOf(options.maxWaitMs));
        }
        if (options.streamThreads > 0) {
            p.put("num.stream.threads", String.valueOf(options.streamThreads));
        }
        if (options.commitIntervalMs >= 0) {
            p.put("commit.interval.ms", String.valueOf(options.commitIntervalMs));
        }
        p.putAll(options.properties);
        return p;
    }

    /** The app instances, for benchmarks that set their models directly (shadow). */
    List<EmotionStreamsApp> apps() {
        return apps;
    }

    void listen(EventListener listener) {
        this.listener = listener;
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The batch size the apps classify with (what the ratio compares against). */
    int appBatchSize() throws Exception {
        return new AppConfig(appProperties(0)).settings().batchSize();
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> committedReader() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = c.partitionsFor(EMOTIONS, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(EMOTIONS, i.partition())).toList();
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    private void read(AvroDeserializer<EmotionEvent> events) {
        try {
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long nowMs = System.currentTimeMillis();
                    long nowNanos = System.nanoTime();
                    EmotionEvent e = events.deserialize(EMOTIONS, r.value());
                    listener.seen(r, e, nowNanos);
                    String id = e.getFrameId();
                    Phase phase = phases.get(id.substring(0, id.indexOf('-')));
                    if (phase == null) {
                        continue;
                    }
                    synchronized (phase) {
                        long captured = e.getCaptureTime().toEpochMilli();
                        long classified = e.getClassifiedTime().toEpochMilli();
                        long latency = Math.max(0, nowMs - captured);
                        phase.latencyMs.recordValue(latency);
                        phase.classifiedMs.recordValue(Math.max(0, classified - captured));
                        phase.visibleMs.recordValue(Math.max(0, nowMs - classified));
                        phase.worstPerSecond.merge((int) ((nowNanos - phase.firstSendNanos) / 1_000_000_000L),
                                latency, Math::max);
                        phase.seen++;
                        phase.lastSeenNanos = nowNanos;
                    }
                    phase.done.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    private void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (apps.stream().anyMatch(a -> a.streams().state() != KafkaStreams.State.RUNNING)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("app instances not RUNNING after " + timeout + ": "
                        + apps.stream().map(a -> a.streams().state().toString()).toList());
            }
            Thread.sleep(100);
        }
    }

    /**
     * Sends {@code count} frames (or until {@code until} when count is 0) at {@code rate} per second (0: as fast as
     * possible) and waits for their events. Paced frames carry the time they were due as capture time and record
     * timestamp, so a late tick counts against latency.
     */
    Phase run(String name, int count, double rate, Duration duration) throws InterruptedException {
        memory.phase(name);
        int expected = count;
        if (count == 0 && duration != null) {
            expected = (int) Math.round(rate * duration.toMillis() / 1000.0);
        }
        Phase phase = new Phase(name, expected);
        phase.batchesAtStart = batchMeters();
        phase.jitMsAtStart = JIT.getTotalCompilationTime();
        phases.put(name, phase);
        long period = rate > 0 ? (long) (1e9 / rate) : 0;
        long tick = TimeUnit.MILLISECONDS.toNanos(options.sendTickMs);
        long start = System.nanoTime();
        long startEpochMs = System.currentTimeMillis();
        phase.firstSendNanos = start;
        for (int i = 0; i < expected; i++) {
            long due = start + i * period;
            if (period > 0) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    // one wake-up a tick, not a frame: a camera fleet's wake-ups are on its own machines
                    LockSupport.parkNanos(Math.max(wait, tick));
                }
            }
            send(name, i, period > 0 ? startEpochMs + (due - start) / 1_000_000 : System.currentTimeMillis());
        }
        producer.flush();
        phase.lastSendNanos = System.nanoTime();
        long timeoutMs = 60_000 + expected * 200L;
        if (!phase.done.await(timeoutMs, TimeUnit.MILLISECONDS)) {
            System.err.printf("e2e: phase %s saw %d of %d events within %d s; reporting what arrived%n", name,
                    phase.seen, expected, timeoutMs / 1000);
        }
        phase.batchesAtEnd = batchMeters();
        phase.jitMsAtEnd = JIT.getTotalCompilationTime();
        memory.phase(name + "-done");
        return phase;
    }

    /** Batches, frames and inference seconds so far, summed over the app instances. */
    private double[] batchMeters() {
        double[] m = new double[3];
        for (EmotionStreamsApp app : apps) {
            var registry = app.metrics().registry();
            var size = registry.find("emostream.batch.size").summary();
            var timer = registry.find("emostream.inference").timer();
            if (size != null) {
                m[0] += size.count();
                m[1] += size.totalAmount();
            }
            if (timer != null) {
                m[2] += timer.totalTime(TimeUnit.NANOSECONDS) / 1e9;
            }
        }
        return m;
    }

    private void send(String phase, int i, long captureEpochMs) {
        FrameFormat.CameraImage[] pool = images;
        Fer2013Row row = faces.get(i % pool.length);
        String source = "src-" + (i % options.sources);
        FaceFrame frame = pool[i % pool.length].writeTo(FaceFrame.newBuilder()
                .setFrameId(phase + "-" + i)
                .setSourceId(source)
                .setCaptureTime(Instant.ofEpochMilli(captureEpochMs))
                .setTrueLabel(row.label() == null ? null : Emotion.values()[row.label().code()]))
                .build();
        producer.send(new ProducerRecord<>(INPUT, null, captureEpochMs, source.getBytes(StandardCharsets.UTF_8),
                frames.serialize(INPUT, frame)));
    }

    /** Figures of one phase, for tables and JSON. */
    static Map<String, Object> summary(Phase p, List<MemorySampler.Sample> samples) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", p.name);
        m.put("frames", p.expected);
        m.put("eventsSeen", p.seen);
        m.put("framesPerSecond", p.framesPerSecond());
        m.put("sendRate", p.sendRate());
        m.put("jitCompileShare", p.jitCompileShare());
        synchronized (p) {
            m.put("latencyMsP50", p.latencyMs.getValueAtPercentile(50));
            m.put("latencyMsP95", p.latencyMs.getValueAtPercentile(95));
            m.put("latencyMsP99", p.latencyMs.getValueAtPercentile(99));
            m.put("latencyMsMax", p.latencyMs.getMaxValue());
            m.put("captureToClassifiedMsP50", p.classifiedMs.getValueAtPercentile(50));
            m.put("captureToClassifiedMsP99", p.classifiedMs.getValueAtPercentile(99));
            m.put("classifiedToCommittedMsP50", p.visibleMs.getValueAtPercentile(50));
            m.put("classifiedToCommittedMsP99", p.visibleMs.getValueAtPercentile(99));
            m.put("worstLatencyMsPerSecond", new ArrayList<>(p.worstPerSecond.values()));
        }
        if (p.batchesAtStart != null && p.batchesAtEnd != null) {
            double batches = p.batchesAtEnd[0] - p.batchesAtStart[0];
            double frames = p.batchesAtEnd[1] - p.batchesAtStart[1];
            double inferSeconds = p.batchesAtEnd[2] - p.batchesAtStart[2];
            m.put("batches", batches);
            m.put("meanBatchSize", frames / batches);
            // how much of the phase the stream thread(s) spent inside the model (preprocessing included)
            m.put("inferenceBusyShare", inferSeconds / ((p.lastSeenNanos - p.firstSendNanos) / 1e9));
            m.put("appImagesPerInferenceSecond", frames / inferSeconds);
        }
        m.put("heapUsedMbMax", samples.stream().mapToLong(MemorySampler.Sample::heapUsedMb).max().orElse(-1));
        m.put("oldGenAfterGcMbLast", samples.isEmpty() ? -1 : samples.get(samples.size() - 1).oldAfterGcMb());
        m.put("rssMbMax", samples.stream().mapToLong(MemorySampler.Sample::rssMb).max().orElse(-1));
        return m;
    }

    @Override
    public void close() {
        stopping = true;
        if (consumer != null) {
            consumer.wakeup();
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            consumer.close(Duration.ofSeconds(5));
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        apps.forEach(a -> a.close(Duration.ofSeconds(20)));
        if (broker != null) {
            broker.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (stateRoot != null) {
            deleteQuietly(stateRoot);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is not worth failing a benchmark for
        }
    }
}

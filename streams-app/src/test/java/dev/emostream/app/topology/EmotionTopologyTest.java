package dev.emostream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.app.model.ModelHolder;
import dev.emostream.app.model.ServingModel;
import dev.emostream.app.testing.Frames;
import dev.emostream.app.testing.StandInClassifier;
import dev.emostream.model.Emotion;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.EmotionClassifier;
import dev.emostream.model.inference.EmotionPrediction;
import dev.emostream.schemas.AccuracySnapshot;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.InMemorySchemaRegistryClient;
import dev.emostream.schemas.serde.AvroSerde;
import dev.emostream.schemas.serde.AvroSerializer;

@DisplayName("EmotionTopology")
class EmotionTopologyTest {

    private static final String INPUT = "faces.cam-1";
    private static final Duration MAX_WAIT = Duration.ofMillis(100);
    private static final byte[] KEY = "cam-1".getBytes();

    @TempDir
    Path stateDir;

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerializer<FaceFrame> frameSerializer = new AvroSerializer<>(registry);
    private final AppMetrics metrics = AppMetrics.inMemory();
    private final StandInClassifier v1 = new StandInClassifier("v1");
    private final ModelHolder models = new ModelHolder(ServingModel.shared(v1, "test"));
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], EmotionEvent> emotions;
    private TestOutputTopic<String, AccuracySnapshot> accuracy;
    private TestOutputTopic<byte[], byte[]> rejected;

    @BeforeEach
    void start() {
        start(TopologySettings.defaults().withBatch(4, MAX_WAIT));
    }

    private void start(TopologySettings settings) {
        start(settings, Runnable::run);
    }

    private void start(TopologySettings settings, Executor inference) {
        if (driver != null) {
            driver.close();
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "emotion-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(EmotionTopology.build(settings, models, registry, metrics, inference), props);
        input = driver.createInputTopic(INPUT, new ByteArraySerializer(), new ByteArraySerializer());
        emotions = driver.createOutputTopic(settings.emotionsTopic(), new ByteArrayDeserializer(),
                AvroSerde.forValues(EmotionEvent.class, registry).deserializer());
        accuracy = driver.createOutputTopic(settings.accuracyTopic(), new StringDeserializer(),
                AvroSerde.forValues(AccuracySnapshot.class, registry).deserializer());
        rejected = driver.createOutputTopic(settings.rejectedTopic(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private void send(FaceFrame frame) {
        input.pipeInput(KEY, frameSerializer.serialize(INPUT, frame));
    }

    private void flushPartialBatch() {
        driver.advanceWallClockTime(MAX_WAIT);
    }

    private TestRecord<byte[], byte[]> onlyReject() {
        assertThat(emotions.isEmpty()).as("no event for a rejected frame").isTrue();
        List<TestRecord<byte[], byte[]>> all = rejected.readRecordsToList();
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static String header(TestRecord<?, ?> r, String name) {
        return DeadLetterHeaders.get(r.headers(), name);
    }

    @Test
    @DisplayName("a valid labeled frame becomes one event naming the model version, key and label kept")
    void labeledFrame() {
        send(Frames.frame("f1", "cam-1", Emotion.HAPPY, dev.emostream.schemas.Emotion.HAPPY));
        flushPartialBatch();

        TestRecord<byte[], EmotionEvent> event = emotions.readRecord();
        assertThat(event.key()).isEqualTo(KEY);
        assertThat(event.value().getFrameId()).isEqualTo("f1");
        assertThat(event.value().getModelVersion()).isEqualTo("v1");
        assertThat(event.value().getPredicted()).isEqualTo(dev.emostream.schemas.Emotion.HAPPY);
        assertThat(event.value().getTrueLabel()).isEqualTo(dev.emostream.schemas.Emotion.HAPPY);
        assertThat(event.value().getScores()).hasSize(7);
        assertThat(event.value().getConfidence()).isEqualTo(0.9f);
        assertThat(emotions.isEmpty()).isTrue();
        assertThat(rejected.isEmpty()).isTrue();
    }

    @Test
    @DisplayName("a labeled frame emits an accuracy snapshot overall and for its source")
    void labeledFrameEmitsSnapshots() {
        send(Frames.frame("f1", "cam-1", Emotion.HAPPY, dev.emostream.schemas.Emotion.HAPPY));
        flushPartialBatch();

        assertThat(accuracy.readKeyValuesToMap()).containsOnlyKeys("v1|all", "v1|source:cam-1")
                .allSatisfy((key, s) -> {
                    assertThat(s.getSeen()).isEqualTo(1);
                    assertThat(s.getLabeled()).isEqualTo(1);
                    assertThat(s.getCorrect()).isEqualTo(1);
                    assertThat(s.getAccuracy()).isEqualTo(1.0);
                });
    }

    @Test
    @DisplayName("a valid unlabeled frame becomes an event without a label and emits no snapshot")
    void unlabeledFrame() {
        send(Frames.frame("f1", "cam-1", Emotion.SAD, null));
        flushPartialBatch();

        EmotionEvent event = emotions.readValue();
        assertThat(event.getTrueLabel()).isNull();
        assertThat(event.getPredicted()).isEqualTo(dev.emostream.schemas.Emotion.SAD);
        assertThat(accuracy.isEmpty()).isTrue();
        assertThat(rejected.isEmpty()).isTrue();
    }

    @Test
    @DisplayName("bytes that are not Avro go to the dead letters as they were, with reason and origin headers")
    void undecodableBytes() {
        byte[] garbage = {0, 0, 0, 0, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        registry.register("faces.cam-1-value", FaceFrame.getClassSchema()); // id 1 exists; the body is garbage
        RecordHeaders original = new RecordHeaders();
        original.add("trace", "abc".getBytes());
        input.pipeInput(new TestRecord<>(KEY, garbage, original, 42L));

        TestRecord<byte[], byte[]> dead = onlyReject();
        assertThat(dead.key()).isEqualTo(KEY);
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(header(dead, "trace")).isEqualTo("abc");
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("MALFORMED_AVRO");
        assertThat(header(dead, DeadLetterHeaders.TOPIC)).isEqualTo(INPUT);
        assertThat(header(dead, DeadLetterHeaders.PARTITION)).isEqualTo("0");
        assertThat(header(dead, DeadLetterHeaders.OFFSET)).isEqualTo("0");
        assertThat(header(dead, DeadLetterHeaders.RECORD_TIMESTAMP)).isEqualTo("42");
        assertThat(header(dead, DeadLetterHeaders.REJECTED_AT)).isNotBlank();
        assertThat(header(dead, DeadLetterHeaders.MESSAGE)).contains("FaceFrame");
        assertThat(metrics.rejectedCount("MALFORMED_AVRO")).isEqualTo(1);
    }

    @Test
    @DisplayName("a payload without the Confluent magic byte is rejected as BAD_MAGIC_BYTE")
    void badMagicByte() {
        byte[] json = "{\"frameId\":\"f1\"}".getBytes();
        input.pipeInput(KEY, json);

        TestRecord<byte[], byte[]> dead = onlyReject();
        assertThat(dead.value()).isEqualTo(json);
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("BAD_MAGIC_BYTE");
    }

    @Test
    @DisplayName("an empty payload is rejected as EMPTY_PAYLOAD")
    void emptyPayload() {
        input.pipeInput(KEY, new byte[0]);

        assertThat(header(onlyReject(), DeadLetterHeaders.REASON)).isEqualTo("EMPTY_PAYLOAD");
    }

    @Test
    @DisplayName("a null value is rejected as TOMBSTONE, not dropped")
    void tombstone() {
        input.pipeInput(KEY, (byte[]) null);

        TestRecord<byte[], byte[]> dead = onlyReject();
        assertThat(dead.value()).isNull();
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("TOMBSTONE");
    }

    @Test
    @DisplayName("a schema id the registry does not know is rejected as UNKNOWN_SCHEMA_ID")
    void unknownSchemaId() {
        byte[] valid = frameSerializer.serialize(INPUT, Frames.frame("f1", "cam-1", Emotion.SAD, null));
        valid[4] = 99;
        input.pipeInput(KEY, valid);

        assertThat(header(onlyReject(), DeadLetterHeaders.REASON)).isEqualTo("UNKNOWN_SCHEMA_ID");
    }

    @Test
    @DisplayName("fewer pixels than width x height is rejected as SIZE_MISMATCH, naming both numbers")
    void sizeMismatch() {
        send(Frames.frame("f7", "cam-1", 48, 48, new byte[2303], null));

        TestRecord<byte[], byte[]> dead = onlyReject();
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("SIZE_MISMATCH");
        assertThat(header(dead, DeadLetterHeaders.MESSAGE))
                .isEqualTo("frame f7 from faces.cam-1: 2303 pixels, expected 48x48 = 2304");
    }

    @Test
    @DisplayName("a frame larger than the configured bound is rejected as SIZE_OUT_OF_BOUNDS")
    void sizeOutOfBounds() {
        send(Frames.frame("f1", "cam-1", 2000, 1, new byte[2000], null));

        assertThat(header(onlyReject(), DeadLetterHeaders.REASON)).isEqualTo("SIZE_OUT_OF_BOUNDS");
    }

    @Test
    @DisplayName("a label index outside the seven classes is rejected as MALFORMED_AVRO")
    void labelOutOfRange() {
        byte[] bytes = frameSerializer.serialize(INPUT, Frames.frame("f1", "cam-1", Emotion.SAD,
                dev.emostream.schemas.Emotion.NEUTRAL));
        // the label: union branch 1, then the enum index as a zig-zag varint (6 -> 12); then the encoding (RAW: 0)
        // and no face box (union branch 0)
        int label = bytes.length - 3;
        assertThat(bytes[label]).isEqualTo((byte) 12);
        bytes[label] = 18; // index 9
        input.pipeInput(KEY, bytes);

        TestRecord<byte[], byte[]> dead = onlyReject();
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("MALFORMED_AVRO");
        assertThat(header(dead, DeadLetterHeaders.MESSAGE)).contains("9");
    }

    @Test
    @DisplayName("a record written without a required field is rejected as SCHEMA_MISMATCH")
    void missingFieldInSchema() {
        Schema withoutPixels = SchemaBuilder.record("FaceFrame").namespace("dev.emostream.schemas").fields()
                .requiredString("frameId").requiredString("sourceId").requiredLong("captureTime")
                .requiredInt("width").requiredInt("height").endRecord();
        int id = registry.register("other-subject", withoutPixels);
        byte[] bytes = {0, 0, 0, 0, (byte) id, 2, 'f', 2, 'c', 2, 96, 96};
        input.pipeInput(KEY, bytes);

        TestRecord<byte[], byte[]> dead = onlyReject();
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("SCHEMA_MISMATCH");
        assertThat(header(dead, DeadLetterHeaders.MESSAGE)).contains("cannot be read as");
    }

    @Test
    @DisplayName("an empty frame id is rejected as MISSING_FIELD")
    void emptyFrameId() {
        send(Frames.frame("", "cam-1", Emotion.SAD, null));

        assertThat(header(onlyReject(), DeadLetterHeaders.REASON)).isEqualTo("MISSING_FIELD");
    }

    @Test
    @DisplayName("an unreachable registry fails the task instead of dead-lettering a frame that may be fine")
    void registryUnavailable() {
        byte[] bytes = frameSerializer.serialize(INPUT, Frames.frame("f1", "cam-1", Emotion.SAD, null));
        start(TopologySettings.defaults().withBatch(4, MAX_WAIT)); // a fresh deserializer with an empty cache
        registry.simulateOutage(true);

        assertThatThrownBy(() -> input.pipeInput(KEY, bytes)).hasStackTraceContaining("schema registry unavailable");
        registry.simulateOutage(false);
        assertThat(rejected.isEmpty()).isTrue();
        assertThat(emotions.isEmpty()).isTrue();
    }

    @Test
    @DisplayName("a partial batch waits, then is classified when the max wait passes on the wall clock")
    void partialBatchFlushesAfterMaxWait() {
        send(Frames.frame("f1", "cam-1", Emotion.SAD, null));
        send(Frames.frame("f2", "cam-1", Emotion.SAD, null));
        assertThat(emotions.isEmpty()).as("nothing before the max wait").isTrue();

        flushPartialBatch();

        assertThat(emotions.readValuesToList()).extracting(EmotionEvent::getFrameId).containsExactly("f1", "f2");
        assertThat(v1.batchSizes()).containsExactly(2);
    }

    @Test
    @DisplayName("a partial batch goes out as soon as the input goes quiet for the idle gap, well before the max wait")
    void partialBatchFlushesWhenInputIdle() {
        Duration idleGap = TopologySettings.DEFAULT_BATCH_IDLE_GAP;
        send(Frames.frame("f1", "cam-1", Emotion.SAD, null));
        send(Frames.frame("f2", "cam-1", Emotion.SAD, null));
        driver.advanceWallClockTime(idleGap.minusMillis(1));
        assertThat(emotions.isEmpty()).as("not before the idle gap").isTrue();

        driver.advanceWallClockTime(Duration.ofMillis(1));

        assertThat(emotions.readValuesToList()).extracting(EmotionEvent::getFrameId).containsExactly("f1", "f2");
        assertThat(v1.batchSizes()).containsExactly(2);
    }

    @Test
    @DisplayName("behind a backlog (old record timestamps) a partial batch is not cut at the max wait")
    void backlogFillsBatches() {
        java.time.Instant old = java.time.Instant.now().minusSeconds(60);
        input.pipeInput(KEY, frameSerializer.serialize(INPUT, Frames.frame("f1", "cam-1", Emotion.SAD, null)), old);
        input.pipeInput(KEY, frameSerializer.serialize(INPUT, Frames.frame("f2", "cam-1", Emotion.SAD, null)), old);

        driver.advanceWallClockTime(MAX_WAIT.multipliedBy(3).dividedBy(2));
        assertThat(emotions.isEmpty()).as("waiting for more of the backlog past the max wait").isTrue();
        input.pipeInput(KEY, frameSerializer.serialize(INPUT, Frames.frame("f3", "cam-1", Emotion.SAD, null)), old);
        input.pipeInput(KEY, frameSerializer.serialize(INPUT, Frames.frame("f4", "cam-1", Emotion.SAD, null)), old);

        assertThat(emotions.readValuesToList()).extracting(EmotionEvent::getFrameId)
                .containsExactly("f1", "f2", "f3", "f4");
        assertThat(v1.batchSizes()).containsExactly(4);
    }

    @Test
    @DisplayName("frames a few hundred ms late (a live stream on busy cores) are no backlog: a partial batch goes out "
            + "when the input runs dry")
    void lateLiveFramesAreNoBacklog() {
        java.time.Instant late = java.time.Instant.now().minusMillis(300);
        input.pipeInput(KEY, frameSerializer.serialize(INPUT, Frames.frame("f1", "cam-1", Emotion.SAD, null)), late);
        input.pipeInput(KEY, frameSerializer.serialize(INPUT, Frames.frame("f2", "cam-1", Emotion.SAD, null)), late);

        driver.advanceWallClockTime(TopologySettings.DEFAULT_BATCH_IDLE_GAP);

        assertThat(emotions.readValuesToList()).extracting(EmotionEvent::getFrameId).containsExactly("f1", "f2");
        assertThat(v1.batchSizes()).containsExactly(2);
    }

    @Test
    @DisplayName("with inference on its own thread, the next frames buffer while a batch is in the model and all "
            + "events come out in arrival order once it is done")
    void pipelinedInference() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            start(TopologySettings.defaults().withBatch(4, MAX_WAIT).withBatchesInFlight(1),
                    task -> worker.execute(afterGate(release, task)));
            for (int i = 1; i <= 7; i++) {
                send(Frames.frame("f" + i, "cam-1", Emotion.SAD, null));
            }
            driver.advanceWallClockTime(MAX_WAIT.multipliedBy(2));
            assertThat(emotions.isEmpty()).as("first batch still in the model").isTrue();

            release.countDown();
            List<String> ids = new ArrayList<>();
            pumpEvents(ids, 7, Duration.ofSeconds(10));

            assertThat(ids).containsExactly("f1", "f2", "f3", "f4", "f5", "f6", "f7");
            assertThat(v1.batchSizes()).containsExactly(4, 3);
            KeyValueStore<Long, BufferedFrame> buffer = driver.getKeyValueStore(EmotionTopology.FRAME_BUFFER_STORE);
            try (var left = buffer.all()) {
                assertThat(left.hasNext()).as("buffer emptied as events went out").isFalse();
            }
        } finally {
            worker.shutdownNow();
        }
    }

    @Test
    @DisplayName("while another batch is in the model, a tiny partial batch waits for the linger; a quarter of a full "
            + "batch goes at once")
    void partialBatchLingersWhileModelLoaded() throws Exception {
        Duration linger = Duration.ofMillis(10);
        List<CountDownLatch> gates = List.of(new CountDownLatch(1), new CountDownLatch(0), new CountDownLatch(0));
        AtomicInteger submitted = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(2);
        try {
            // no latency target: on a busy machine the two-frame batch's pace would shrink the full batch to 4
            start(TopologySettings.defaults().withBatch(32, MAX_WAIT).withBatchesInFlight(2).withBatchLinger(linger)
                            .withLatencyTarget(Duration.ZERO),
                    task -> workers.execute(afterGate(gates.get(submitted.getAndIncrement()), task)));
            for (int i = 1; i <= 32; i++) {
                send(Frames.frame("full" + i, "cam-1", Emotion.SAD, null));
            }
            assertThat(submitted).as("the full batch is in the model").hasValue(1);

            send(Frames.frame("a1", "cam-1", Emotion.SAD, null));
            send(Frames.frame("a2", "cam-1", Emotion.SAD, null));
            driver.advanceWallClockTime(linger.minusMillis(2));
            assertThat(submitted).as("two frames wait while the other thread is busy, input idle or not").hasValue(1);
            driver.advanceWallClockTime(Duration.ofMillis(2));
            assertThat(submitted).as("after the linger they go").hasValue(2);

            for (int i = 1; i <= 8; i++) {
                send(Frames.frame("b" + i, "cam-1", Emotion.SAD, null));
            }
            // the two-frame batch leaves the model on its own thread; give it real time, the linger no mock time
            for (int ms = 1; ms < linger.toMillis() && submitted.get() < 3; ms++) {
                Thread.sleep(20);
                driver.advanceWallClockTime(Duration.ofMillis(1));
            }
            assertThat(submitted).as("a quarter of a full batch goes before the linger").hasValue(3);
            gates.get(0).countDown();
            List<String> ids = new ArrayList<>();
            pumpEvents(ids, 42, Duration.ofSeconds(10));
            assertThat(v1.batchSizes()).as("a quarter of a full batch went without waiting").contains(2, 8);
            assertThat(ids).hasSize(42).startsWith("full1").endsWith("b8");
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    @DisplayName("with two batches in the model at once, a later batch that finishes first waits for the earlier one: "
            + "events come out in arrival order")
    void batchesInFlightForwardInOrder() throws Exception {
        List<CountDownLatch> gates = List.of(new CountDownLatch(1), new CountDownLatch(1));
        AtomicInteger submitted = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(2);
        try {
            start(TopologySettings.defaults().withBatch(4, MAX_WAIT).withBatchesInFlight(2),
                    task -> workers.execute(afterGate(gates.get(submitted.getAndIncrement()), task)));
            for (int i = 1; i <= 8; i++) {
                send(Frames.frame("f" + i, "cam-1", Emotion.SAD, null));
            }
            assertThat(submitted).as("both full batches handed to the model without waiting").hasValue(2);

            gates.get(1).countDown();
            List<String> ids = new ArrayList<>();
            pumpEvents(ids, Integer.MAX_VALUE, Duration.ofMillis(300));
            assertThat(ids).as("second batch done, first still in the model").isEmpty();

            gates.get(0).countDown();
            pumpEvents(ids, 8, Duration.ofSeconds(10));
            assertThat(ids).containsExactly("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8");
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    @DisplayName("a full batch that finds every inference thread busy waits in the buffer: the stream thread reads on, "
            + "and the batch goes out when a thread is free")
    void fullBatchWaitsWithoutHoldingTheStreamThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            start(TopologySettings.defaults().withBatch(4, MAX_WAIT).withBatchesInFlight(1).withBatchesWaiting(2),
                    task -> worker.execute(afterGate(release, task)));
            ExecutorService sender = Executors.newSingleThreadExecutor();
            try {
                var sent = sender.submit(() -> {
                    for (int i = 1; i <= 8; i++) {
                        send(Frames.frame("f" + i, "cam-1", Emotion.SAD, null));
                    }
                });
                assertThat(sent.get(10, TimeUnit.SECONDS)).as("all 8 read while the first batch is in the model").isNull();
            } finally {
                sender.shutdownNow();
            }
            assertThat(v1.batchSizes()).as("nothing classified yet").isEmpty();

            release.countDown();
            List<String> ids = new ArrayList<>();
            pumpEvents(ids, 8, Duration.ofSeconds(10));

            assertThat(ids).containsExactly("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8");
            assertThat(v1.batchSizes()).containsExactly(4, 4);
        } finally {
            worker.shutdownNow();
        }
    }

    @Test
    @DisplayName("once the buffer holds classifier.batches.waiting full batches, the stream thread waits for the model "
            + "before it reads on (back-pressure)")
    void fullBufferHoldsTheStreamThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService worker = Executors.newSingleThreadExecutor();
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try {
            start(TopologySettings.defaults().withBatch(4, MAX_WAIT).withBatchesInFlight(1).withBatchesWaiting(1),
                    task -> worker.execute(afterGate(release, task)));
            var sent = sender.submit(() -> {
                for (int i = 1; i <= 8; i++) {
                    send(Frames.frame("f" + i, "cam-1", Emotion.SAD, null));
                }
            });
            Thread.sleep(300);
            assertThat(sent.isDone()).as("the 8th frame fills the buffer while f1-f4 are in the model").isFalse();

            release.countDown();
            assertThat(sent.get(10, TimeUnit.SECONDS)).as("reading resumes once the model took the next batch").isNull();
            List<String> ids = new ArrayList<>();
            pumpEvents(ids, 8, Duration.ofSeconds(10));
            assertThat(ids).containsExactly("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8");
        } finally {
            sender.shutdownNow();
            worker.shutdownNow();
        }
    }

    /** A model call held until the test opens its gate. */
    private static Runnable afterGate(CountDownLatch gate, Runnable task) {
        return () -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        };
    }

    /** Lets the wall clock run (inference on other threads) until {@code ids} has {@code count} event ids or time is up. */
    private void pumpEvents(List<String> ids, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ids.size() < count && System.nanoTime() < deadline) {
            driver.advanceWallClockTime(Duration.ofMillis(5));
            emotions.readValuesToList().forEach(e -> ids.add(e.getFrameId()));
            Thread.sleep(5);
        }
    }

    @Test
    @DisplayName("a full batch is classified at once, in arrival order, in one call")
    void fullBatchFlushesAtOnce() {
        for (int i = 1; i <= 4; i++) {
            send(Frames.frame("f" + i, "cam-1", Emotion.SAD, null));
        }

        assertThat(emotions.readValuesToList()).extracting(EmotionEvent::getFrameId)
                .containsExactly("f1", "f2", "f3", "f4");
        assertThat(v1.batchSizes()).containsExactly(4);
    }

    @Test
    @DisplayName("a model slower than the latency target allows gets smaller batches once its pace is measured")
    void latencyTargetBoundsTheBatch() {
        start(TopologySettings.defaults().withBatch(32, MAX_WAIT).withLatencyTarget(Duration.ofMillis(8)));
        StandInClassifier standIn = new StandInClassifier("slow");
        EmotionClassifier slow = new EmotionClassifier() {
            @Override
            public String modelVersion() {
                return standIn.modelVersion();
            }

            @Override
            public List<EmotionPrediction> classify(List<FaceImage> faces) {
                try {
                    Thread.sleep(faces.size()); // at least 1 ms a face: 8 ms is 8 faces or fewer
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return standIn.classify(faces);
            }
        };
        models.swap(ServingModel.shared(slow, "test"));
        for (int i = 1; i <= 64; i++) {
            send(Frames.frame("f" + i, "cam-1", Emotion.SAD, null));
        }
        flushPartialBatch();

        assertThat(emotions.readValuesToList()).extracting(EmotionEvent::getFrameId).hasSize(64)
                .startsWith("f1", "f2").endsWith("f64");
        List<Integer> sizes = standIn.batchSizes();
        assertThat(sizes.get(0)).as("the first batch, the pace not yet known").isEqualTo(32);
        assertThat(sizes.subList(1, sizes.size())).as("the batches after it").hasSizeGreaterThanOrEqualTo(4)
                .allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(8));
    }

    @Test
    @DisplayName("a model swapped in mid-stream serves from the next batch; each event names its version")
    void modelSwap() {
        for (int i = 1; i <= 6; i++) {
            send(Frames.frame("f" + i, "cam-1", Emotion.SAD, dev.emostream.schemas.Emotion.SAD));
        }
        models.swap(ServingModel.shared(new StandInClassifier("v2"), "test"));
        for (int i = 7; i <= 8; i++) {
            send(Frames.frame("f" + i, "cam-1", Emotion.SAD, dev.emostream.schemas.Emotion.SAD));
        }

        // f1-f4 were a full batch before the swap; f5-f8 the first batch after it
        assertThat(emotions.readValuesToList()).extracting(e -> e.getFrameId() + "=" + e.getModelVersion())
                .containsExactly("f1=v1", "f2=v1", "f3=v1", "f4=v1", "f5=v2", "f6=v2", "f7=v2", "f8=v2");
        assertThat(accuracy.readKeyValuesToMap()).containsOnlyKeys("v1|all", "v1|source:cam-1", "v2|all",
                "v2|source:cam-1");
    }

    @Test
    @DisplayName("accuracy counts every frame, correct labeled frames and the confusion cell of each")
    void accuracyCounts() {
        send(Frames.frame("f1", "cam-1", Emotion.HAPPY, dev.emostream.schemas.Emotion.HAPPY));
        send(Frames.frame("f2", "cam-1", Emotion.SAD, dev.emostream.schemas.Emotion.HAPPY));
        send(Frames.frame("f3", "cam-2", Emotion.FEAR, dev.emostream.schemas.Emotion.FEAR));
        send(Frames.frame("f4", "cam-1", Emotion.FEAR, null));

        var latest = accuracy.readKeyValuesToMap();
        AccuracySnapshot all = latest.get("v1|all");
        assertThat(all.getLabeled()).isEqualTo(3);
        assertThat(all.getCorrect()).isEqualTo(2);
        assertThat(all.getAccuracy()).isEqualTo(2.0 / 3);
        assertThat(all.getConfusion()).hasSize(49);
        assertThat(all.getConfusion().get(Emotion.HAPPY.code() * 7 + Emotion.SAD.code())).isEqualTo(1L);
        assertThat(all.getConfusion().get(Emotion.HAPPY.code() * 7 + Emotion.HAPPY.code())).isEqualTo(1L);
        assertThat(latest.get("v1|source:cam-2").getCorrect()).isEqualTo(1);

        KeyValueStore<String, AccuracyCounts> store = driver.getKeyValueStore(EmotionTopology.ACCURACY_STORE);
        assertThat(store.get("v1|all").seen()).as("the unlabeled frame counts as seen").isEqualTo(4);
        assertThat(store.get("v1|source:cam-1").seen()).isEqualTo(3);
    }

    @Test
    @DisplayName("a batch updates the accuracy counts once per scope, not once per frame")
    void accuracyOncePerBatchAndScope() {
        for (int i = 0; i < 4; i++) {
            send(Frames.frame("f" + i, "cam-1", Emotion.HAPPY, dev.emostream.schemas.Emotion.HAPPY));
        }

        assertThat(emotions.getQueueSize()).isEqualTo(4);
        var snapshots = accuracy.readKeyValuesToList();
        assertThat(snapshots).extracting(kv -> kv.key).containsExactlyInAnyOrder("v1|all", "v1|source:cam-1");
        assertThat(snapshots).allSatisfy(kv -> assertThat(kv.value.getLabeled()).isEqualTo(4));
    }

    @Test
    @DisplayName("every input record ends in exactly one of emotions and rejected-faces")
    void everyRecordAccountedFor() {
        for (int i = 0; i < 10; i++) {
            send(Frames.frame("ok" + i, "cam-1", Emotion.SAD, null));
            input.pipeInput(KEY, new byte[]{9, 9});
        }
        flushPartialBatch();

        assertThat(emotions.getQueueSize()).isEqualTo(10);
        assertThat(rejected.getQueueSize()).isEqualTo(10);
    }

    @Test
    @DisplayName("an output topic that the input pattern matches is refused")
    void deadLetterTopicMustNotMatchInput() {
        TopologySettings d = TopologySettings.defaults();
        assertThatThrownBy(() -> new TopologySettings(Pattern.compile("faces\\..*"), d.emotionsTopic(),
                d.accuracyTopic(), "faces.rejected", 4, MAX_WAIT, MAX_WAIT, 1, 8, 1024))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("faces.rejected");
    }
}

package dev.emostream.app.faults;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Assumptions;

import dev.emostream.app.replay.RateLimiter;
import dev.emostream.model.csv.Fer2013CsvReader;
import dev.emostream.model.csv.Fer2013Files;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.serde.AvroSerializer;

/**
 * A camera for the tests that count what comes out (the soak, the three-broker faults): FER2013 faces replayed in a
 * loop, each frame with a unique id {@code frame-<n>}. Which frames carry their label and which are bad (a pixel
 * short: dead-lettered as SIZE_MISMATCH) follows from {@code n} alone, so the check at the end ({@link OutputTally})
 * needs only the set of ids the broker acknowledged.
 */
final class NumberedFrames implements AutoCloseable {

    static final String ID_PREFIX = "frame-";
    private static final int SOURCES = 4;

    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroSerializer<FaceFrame> serializer;
    private final String topic;
    private final List<Fer2013Row> faces;
    private final int labeledEvery;
    private final int badEvery;
    private final BitSet acked = new BitSet();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile String lastFailure = "";
    private int next;

    NumberedFrames(String bootstrap, AvroSerializer<FaceFrame> serializer, String topic, List<Fer2013Row> faces,
               int labeledEvery, int badEvery) {
        this.producer = producer(bootstrap);
        this.serializer = serializer;
        this.topic = topic;
        this.faces = faces;
        this.labeledEvery = labeledEvery;
        this.badEvery = badEvery;
    }

    /** The first {@code n} rows of the full FER2013 training split (28,709 faces, all labeled); skips without it. */
    static List<Fer2013Row> trainingFaces(int n) throws IOException {
        Fer2013Files data = Fer2013Files.find();
        Optional<Path> full = data.full(Fer2013Files.TRAIN);
        Assumptions.assumeTrue(full.isPresent(), () -> data.missing(Fer2013Files.TRAIN));
        Path train = full.get();
        List<Fer2013Row> rows = new ArrayList<>(n);
        try (Fer2013CsvReader reader = Fer2013CsvReader.open(train)) {
            while (rows.size() < n) {
                var row = reader.next();
                if (row.isEmpty()) {
                    break;
                }
                rows.add(row.get());
            }
        }
        return rows;
    }

    boolean isBad(int n) {
        return n % badEvery == badEvery - 1;
    }

    boolean isLabeled(int n) {
        return !isBad(n) && n % labeledEvery == 0;
    }

    /** Sends {@code count} frames, paced by {@code limiter}. */
    void send(int count, RateLimiter limiter) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            limiter.acquire();
            sendNext();
        }
    }

    /** Sends frames paced by {@code limiter} while {@code more} says so. */
    void sendWhile(BooleanSupplier more, RateLimiter limiter) throws InterruptedException {
        while (more.getAsBoolean()) {
            limiter.acquire();
            sendNext();
        }
    }

    private void sendNext() {
        int n = next++;
        Fer2013Row row = faces.get(n % faces.size());
        String source = "cam-" + (n % SOURCES);
        byte[] pixels = row.face().pixels();
        if (isBad(n)) {
            pixels = java.util.Arrays.copyOf(pixels, pixels.length - 1);
        }
        FaceFrame frame = FaceFrame.newBuilder()
                .setFrameId(ID_PREFIX + n)
                .setSourceId(source)
                .setCaptureTime(Instant.now())
                .setWidth(row.face().width())
                .setHeight(row.face().height())
                .setPixels(ByteBuffer.wrap(pixels))
                .setTrueLabel(isLabeled(n) ? Emotion.values()[row.label().code()] : null)
                .build();
        producer.send(new ProducerRecord<>(topic, source.getBytes(StandardCharsets.UTF_8),
                serializer.serialize(topic, frame)), (metadata, error) -> {
                    if (error == null) {
                        synchronized (acked) {
                            acked.set(n);
                        }
                    } else {
                        failed.incrementAndGet();
                        lastFailure = ID_PREFIX + n + ": " + error;
                    }
                });
        sent.incrementAndGet();
    }

    void flush() {
        producer.flush();
    }

    long sent() {
        return sent.get();
    }

    long failed() {
        return failed.get();
    }

    String lastFailure() {
        return lastFailure;
    }

    /** The frame numbers the broker acknowledged: exactly the input the app must account for. */
    BitSet acked() {
        synchronized (acked) {
            return (BitSet) acked.clone();
        }
    }

    long labeledAcked() {
        BitSet a = acked();
        return a.stream().filter(this::isLabeled).count();
    }

    /** Labeled frames acknowledged, by true label (the {@code Emotion} code): the confusion matrix's row sums. */
    long[] labelsAcked() {
        long[] counts = new long[Emotion.values().length];
        acked().stream().filter(this::isLabeled).forEach(n -> counts[faces.get(n % faces.size()).label().code()]++);
        return counts;
    }

    long badAcked() {
        BitSet a = acked();
        return a.stream().filter(this::isBad).count();
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                // frames keep being handed over while the broker restarts; they wait in the buffer and are
                // retried (idempotently: no duplicate in the input), not given up after the default 2 minutes
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void close() {
        producer.close();
    }
}

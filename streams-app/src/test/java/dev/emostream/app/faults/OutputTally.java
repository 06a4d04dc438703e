package dev.emostream.app.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import dev.emostream.app.testing.ItSupport;
import dev.emostream.schemas.AccuracySnapshot;
import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;

/**
 * What a {@code read_committed} consumer finds in the app's outputs, against the frames the broker acknowledged:
 * each good frame must have one event and each bad one one dead letter, nothing twice, nothing unknown; and the
 * last {@code <version>|all} accuracy snapshot of each model version counts its labeled frames, by true label (the
 * confusion matrix's row sums).
 *
 * @param misrouted frames in the other output than their kind (a good frame dead-lettered, a bad one classified)
 * @param unknown   output records whose frame id was never acknowledged (or cannot be read)
 * @param labelsByVersion the last {@code <version>|all} snapshot's confusion row sums: labeled frames by true label
 * @param firstMissing up to ten frame numbers without any output, to look up in the logs
 */
record OutputTally(long events, long rejected, long missing, long duplicates, long misrouted, long unknown,
                   Map<String, Long> labeledByVersion, Map<String, List<Long>> labelsByVersion,
                   List<Integer> firstMissing) {

    private static final Duration READ_LIMIT = Duration.ofMinutes(5);
    /** The confusion matrix is 7x7, row = true label. */
    private static final int ROWS = Emotion.values().length;

    boolean exact() {
        return missing == 0 && duplicates == 0 && misrouted == 0 && unknown == 0;
    }

    long labeledTotal() {
        return labeledByVersion.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Labeled frames by true label ({@code Emotion} code), summed over the model versions. */
    List<Long> labelsTotal() {
        long[] sum = new long[ROWS];
        labelsByVersion.values().forEach(rows -> {
            for (int i = 0; i < ROWS; i++) {
                sum[i] += rows.get(i);
            }
        });
        return Arrays.stream(sum).boxed().toList();
    }

    static OutputTally read(String bootstrap, SchemaRegistryClient registry, Map<String, String> appProps,
                            NumberedFrames frames) {
        BitSet acked = frames.acked();
        BitSet seen = new BitSet();
        long[] counts = new long[5]; // events, rejected, duplicates, misrouted, unknown
        AvroDeserializer<EmotionEvent> events = new AvroDeserializer<>(EmotionEvent.class, registry);
        AvroDeserializer<FaceFrame> deadLetters = new AvroDeserializer<>(FaceFrame.class, registry);

        readToEnd(bootstrap, appProps.get("emotions.topic"), r -> {
            counts[0]++;
            tally(frameNumber(() -> events.deserialize(r.topic(), r.value()).getFrameId()), false, acked, seen,
                    frames, counts);
        });
        readToEnd(bootstrap, appProps.get("rejected.topic"), r -> {
            counts[1]++;
            tally(frameNumber(() -> deadLetters.deserialize(r.topic(), r.value()).getFrameId()), true, acked, seen,
                    frames, counts);
        });
        BitSet missing = (BitSet) acked.clone();
        missing.andNot(seen);

        AvroDeserializer<AccuracySnapshot> snapshots = new AvroDeserializer<>(AccuracySnapshot.class, registry);
        Map<String, Long> labeled = new TreeMap<>();
        Map<String, List<Long>> labels = new TreeMap<>();
        readToEnd(bootstrap, appProps.get("accuracy.topic"), r -> {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (key.endsWith("|all")) {
                String version = key.substring(0, key.length() - 4);
                AccuracySnapshot snapshot = snapshots.deserialize(r.topic(), r.value());
                labeled.put(version, snapshot.getLabeled());
                labels.put(version, rowSums(snapshot.getConfusion()));
            }
        });
        return new OutputTally(counts[0], counts[1], missing.cardinality(), counts[2], counts[3], counts[4], labeled,
                labels, missing.stream().limit(10).boxed().toList());
    }

    private static List<Long> rowSums(List<Long> confusion) {
        long[] rows = new long[ROWS];
        for (int i = 0; i < confusion.size(); i++) {
            rows[i / ROWS] += confusion.get(i);
        }
        return Arrays.stream(rows).boxed().toList();
    }

    private static void tally(int n, boolean deadLettered, BitSet acked, BitSet seen, NumberedFrames frames,
                              long[] counts) {
        if (n < 0 || !acked.get(n)) {
            counts[4]++;
        } else if (seen.get(n)) {
            counts[2]++;
        } else {
            seen.set(n);
            if (frames.isBad(n) != deadLettered) {
                counts[3]++;
            }
        }
    }

    private static int frameNumber(java.util.function.Supplier<String> frameId) {
        try {
            String id = frameId.get();
            return id.startsWith(NumberedFrames.ID_PREFIX) ? Integer.parseInt(id.substring(NumberedFrames.ID_PREFIX.length()))
                    : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Every committed record of {@code topic}, up to the end offsets (the last stable offsets) at the start. */
    private static void readToEnd(String bootstrap, String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = ItSupport.committedReader(bootstrap, topic)) {
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(consumer.assignment()));
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(topic + " not read to its end " + ends + " within " + READ_LIMIT);
                }
                consumer.poll(Duration.ofMillis(500)).forEach(each);
            }
        }
    }
}

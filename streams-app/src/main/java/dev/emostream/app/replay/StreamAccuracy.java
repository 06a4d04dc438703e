package dev.emostream.app.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.emostream.app.topology.AccuracyKey;
import dev.emostream.schemas.AccuracySnapshot;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;

/**
 * The app's own running accuracy for one source, from the {@code emotion-accuracy} topic: the newest snapshot of
 * each model version's {@code source:<id>} scope, summed over versions (a model swap mid-replay splits the counts).
 * A replay's source id is unique per run, so this is the accuracy of exactly that replay as the stream counted it.
 */
public final class StreamAccuracy {

    public record Counts(long labeled, long correct, int modelVersions) {
        public double accuracy() {
            return labeled == 0 ? 0 : (double) correct / labeled;
        }
    }

    private StreamAccuracy() {
    }

    /**
     * Reads until the counts cover {@code expectLabeled} frames or {@code timeout} passes (snapshots go through a
     * repartition topic, so they can trail the events by a commit or two).
     */
    public static Optional<Counts> read(Properties consumerProperties, SchemaRegistryClient registry, String topic,
                                        String sourceId, long expectLabeled, Duration timeout) {
        String suffix = "|" + AccuracyKey.sourceScope(sourceId);
        AvroDeserializer<AccuracySnapshot> snapshots = new AvroDeserializer<>(AccuracySnapshot.class, registry);
        Map<String, AccuracySnapshot> newest = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (TopicReader reader = new TopicReader(consumerProperties, topic, timeout)) {
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (key.endsWith(suffix)) {
                        newest.put(key, snapshots.deserialize(topic, r.value()));
                    }
                }
                Counts counts = sum(newest);
                if ((counts.labeled() >= expectLabeled && reader.atEnd()) || System.nanoTime() > deadline) {
                    return newest.isEmpty() ? Optional.empty() : Optional.of(counts);
                }
            }
        }
    }

    private static Counts sum(Map<String, AccuracySnapshot> newest) {
        long labeled = 0;
        long correct = 0;
        for (AccuracySnapshot s : newest.values()) {
            labeled += s.getLabeled();
            correct += s.getCorrect();
        }
        return new Counts(labeled, correct, newest.size());
    }
}

package dev.emostream.app.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;

/**
 * The frames one replay wrote, in the order it wrote them, read back from its topic. A replay keys every frame by
 * its source id, so they sit in one partition in send order (the idempotent producer keeps that order through
 * retries); a replay's source id is unique per run unless given, so it names one run.
 */
public final class ReplayLog {

    /** The frames of one replay source, in send order. */
    public record Frames(String sourceId, List<String> frameIds) {
    }

    private ReplayLog() {
    }

    /**
     * @param sourceId the replay's source id, or null for the source of the newest record in the topic
     * @param expect   wait until the source has this many frames; 0 reads what the topic holds now
     */
    public static Frames read(Properties consumerProperties, SchemaRegistryClient registry, String topic,
                              String sourceId, long expect, Duration timeout) {
        AvroDeserializer<FaceFrame> frames = new AvroDeserializer<>(FaceFrame.class, registry);
        Map<String, List<String>> bySource = new HashMap<>();
        String newestSource = null;
        long newestTimestamp = Long.MIN_VALUE;
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean caughtUp = false;
        try (TopicReader reader = new TopicReader(consumerProperties, topic, timeout)) {
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    if (r.key() == null) {
                        continue;
                    }
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (sourceId != null && !sourceId.equals(key)) {
                        continue;
                    }
                    // a record of another writer that does not decode is not part of any replay
                    FaceFrame frame;
                    try {
                        frame = frames.deserialize(topic, r.value());
                    } catch (RuntimeException e) {
                        continue;
                    }
                    bySource.computeIfAbsent(key, k -> new ArrayList<>()).add(frame.getFrameId().toString());
                    if (r.timestamp() >= newestTimestamp) {
                        newestTimestamp = r.timestamp();
                        newestSource = key;
                    }
                }
                boolean atEnd = reader.atEnd();
                // without a source id the newest replay is known only once the whole topic was read
                caughtUp |= atEnd;
                String chosen = sourceId != null ? sourceId : caughtUp ? newestSource : null;
                List<String> ids = chosen == null ? List.of() : bySource.getOrDefault(chosen, List.of());
                boolean done = expect > 0 ? FrameOrder.distinct(ids).size() >= expect : atEnd;
                if (done && chosen != null) {
                    return new Frames(chosen, FrameOrder.distinct(ids));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(chosen == null
                            ? "no replayed frames in " + topic + (sourceId == null ? "" : " from source " + sourceId)
                            : "found " + FrameOrder.distinct(ids).size() + " frames of source " + chosen + " in "
                            + topic + ", expected " + expect + ", after " + timeout.toSeconds() + " s");
                }
            }
        }
    }
}

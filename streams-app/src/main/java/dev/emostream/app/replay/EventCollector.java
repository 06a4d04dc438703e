package dev.emostream.app.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;

/**
 * Reads the {@code emotions} topic ({@code read_committed}, from the beginning) and keeps the events of one source,
 * the first per frame id. Events carry the frame's key, so other sources are skipped without decoding them.
 */
public final class EventCollector implements AutoCloseable {

    private final TopicReader reader;
    private final String sourceId;
    private final byte[] key;
    private final AvroDeserializer<EmotionEvent> events;
    private final Map<String, StreamScore.Received> byFrame = new HashMap<>();
    private long duplicates;
    private long correct;
    private long labeled;

    public EventCollector(Properties consumerProperties, SchemaRegistryClient registry, String topic, String sourceId,
                          Duration metadataTimeout) {
        this.reader = new TopicReader(consumerProperties, topic, metadataTimeout);
        this.sourceId = sourceId;
        this.key = sourceId.getBytes(StandardCharsets.UTF_8);
        this.events = new AvroDeserializer<>(EmotionEvent.class, registry);
    }

    /** Polls once; returns how many new frames got their event. */
    public int poll(Duration timeout) {
        int added = 0;
        for (ConsumerRecord<byte[], byte[]> r : reader.poll(timeout)) {
            if (r.key() == null || !Arrays.equals(key, r.key())) {
                continue;
            }
            EmotionEvent e = events.deserialize(r.topic(), r.value());
            if (!sourceId.equals(e.getSourceId().toString())) {
                continue;
            }
            String frame = e.getFrameId().toString();
            if (byFrame.containsKey(frame)) {
                duplicates++;
                continue;
            }
            byFrame.put(frame, new StreamScore.Received(e, System.currentTimeMillis()));
            added++;
            if (e.getTrueLabel() != null) {
                labeled++;
                if (e.getTrueLabel() == e.getPredicted()) {
                    correct++;
                }
            }
        }
        return added;
    }

    public int size() {
        return byFrame.size();
    }

    /** Events for a frame id already seen (a replay repeated under the same source id, an upstream duplicate). */
    public long duplicates() {
        return duplicates;
    }

    /** Running accuracy over the labeled frames so far, or -1 before the first. */
    public double runningAccuracy() {
        return labeled == 0 ? -1 : (double) correct / labeled;
    }

    public Map<String, EmotionEvent> events() {
        Map<String, EmotionEvent> out = new HashMap<>();
        byFrame.forEach((k, v) -> out.put(k, v.event()));
        return out;
    }

    /** The events of {@code frameOrder}'s frames that arrived, in that order. */
    public List<StreamScore.Received> inOrder(List<String> frameOrder) {
        List<StreamScore.Received> out = new ArrayList<>();
        for (String id : FrameOrder.distinct(frameOrder)) {
            StreamScore.Received r = byFrame.get(id);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    public long missing(List<String> frameOrder) {
        return FrameOrder.distinct(frameOrder).stream().filter(id -> !byFrame.containsKey(id)).count();
    }

    @Override
    public void close() {
        reader.close();
    }
}

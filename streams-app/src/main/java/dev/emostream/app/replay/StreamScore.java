package dev.emostream.app.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

import dev.emostream.model.Emotion;
import dev.emostream.model.metrics.ConfusionMatrix;
import dev.emostream.schemas.EmotionEvent;

/**
 * What the stream measured on one replay, from its emotion events: accuracy and per-class recall over the frames
 * that carried a true label, throughput, and latency from capture to classification and from capture to the event
 * being readable by a {@code read_committed} consumer (which adds the transaction commit).
 */
public final class StreamScore {

    /** An event and when this process received it (epoch ms). */
    public record Received(EmotionEvent event, long receivedMillis) {
    }

    private final long frames;
    private final ConfusionMatrix confusion = new ConfusionMatrix();
    private final long[] classifyLatency;
    private final long[] visibleLatency;
    private final long firstCapture;
    private final long lastClassified;

    public StreamScore(List<Received> events) {
        this.frames = events.size();
        List<Long> classify = new ArrayList<>(events.size());
        List<Long> visible = new ArrayList<>(events.size());
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Received r : events) {
            EmotionEvent e = r.event();
            long capture = e.getCaptureTime().toEpochMilli();
            long classified = e.getClassifiedTime().toEpochMilli();
            first = Math.min(first, capture);
            last = Math.max(last, classified);
            classify.add(classified - capture);
            visible.add(r.receivedMillis() - capture);
            if (e.getTrueLabel() != null) {
                confusion.add(Emotion.fromCode(e.getTrueLabel().ordinal()), Emotion.fromCode(e.getPredicted().ordinal()));
            }
        }
        this.classifyLatency = classify.stream().mapToLong(Long::longValue).sorted().toArray();
        this.visibleLatency = visible.stream().mapToLong(Long::longValue).sorted().toArray();
        this.firstCapture = first;
        this.lastClassified = last;
    }

    public long frames() {
        return frames;
    }

    public long labeled() {
        return confusion.total();
    }

    public long correct() {
        return confusion.correct();
    }

    /** Empty when no frame carried a label. */
    public OptionalDouble accuracy() {
        return labeled() == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) correct() / labeled());
    }

    public ConfusionMatrix confusion() {
        return confusion;
    }

    /** Frames per second from the first capture to the last classification. */
    public double throughput() {
        double seconds = (lastClassified - firstCapture) / 1000.0;
        return frames == 0 || seconds <= 0 ? 0 : frames / seconds;
    }

    /** Capture to classification, {@code p} in 0..100 (nearest rank). */
    public long classifyLatencyMillis(double p) {
        return percentile(classifyLatency, p);
    }

    /** Capture to readable by a read_committed consumer. */
    public long visibleLatencyMillis(double p) {
        return percentile(visibleLatency, p);
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The human-readable report, several lines. */
    public List<String> report() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "frames:      %d (%d labeled)", frames, labeled()));
        if (accuracy().isPresent()) {
            lines.add(String.format(Locale.ROOT, "accuracy:    %.4f (%d of %d labeled frames)", accuracy().getAsDouble(),
                    correct(), labeled()));
            StringBuilder recall = new StringBuilder("recall:     ");
            for (Emotion e : Emotion.values()) {
                recall.append(String.format(Locale.ROOT, " %s %s", e.name().toLowerCase(Locale.ROOT),
                        confusion.support(e) == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", confusion.recall(e))));
            }
            lines.add(recall.toString());
        } else {
            lines.add("accuracy:    n/a (the input has no labels)");
        }
        lines.add(String.format(Locale.ROOT, "throughput:  %.1f frames/s (first capture to last classification)",
                throughput()));
        lines.add(String.format(Locale.ROOT, "latency:     capture->classified p50 %d ms, p95 %d ms, p99 %d ms, max %d ms",
                classifyLatencyMillis(50), classifyLatencyMillis(95), classifyLatencyMillis(99),
                classifyLatencyMillis(100)));
        lines.add(String.format(Locale.ROOT, "             capture->committed  p50 %d ms, p95 %d ms, p99 %d ms, max %d ms",
                visibleLatencyMillis(50), visibleLatencyMillis(95), visibleLatencyMillis(99),
                visibleLatencyMillis(100)));
        return lines;
    }

    @Override
    public String toString() {
        return "StreamScore" + Arrays.toString(new long[]{frames, labeled(), correct()});
    }
}

package dev.emostream.app.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import dev.emostream.model.Emotion;

/**
 * Predicted emotions per source, in total and over the last minute (sixty one-second buckets). Fed on the
 * stream thread for every classified frame, so {@link #add} is a few array writes under an uncontended lock.
 * At most {@link #MAX_SOURCES} sources are kept apart; later ones are counted under {@link #OTHER}, so a
 * producer that invents a source id per frame cannot grow this without bound.
 */
final class EmotionCounts {

    static final int MAX_SOURCES = 64;
    static final String OTHER = "(other sources)";
    private static final int SECONDS = 60;

    private final LongSupplier clockMs;
    private final Map<String, Source> sources = new LinkedHashMap<>();

    EmotionCounts(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    synchronized void add(String source, int emotion) {
        Source s = sources.get(source);
        if (s == null) {
            String name = sources.size() < MAX_SOURCES ? source : OTHER;
            s = sources.computeIfAbsent(name, n -> new Source());
        }
        long second = clockMs.getAsLong() / 1000;
        int slot = (int) Math.floorMod(second, SECONDS);
        if (s.bucketSecond[slot] != second) {
            s.bucketSecond[slot] = second;
            java.util.Arrays.fill(s.buckets[slot], 0);
        }
        s.buckets[slot][emotion]++;
        s.total[emotion]++;
    }

    /** One entry per source: {@code source}, {@code total} and {@code lastMinute}, seven counts each. */
    synchronized List<Map<String, Object>> snapshot() {
        long now = clockMs.getAsLong() / 1000;
        List<Map<String, Object>> out = new ArrayList<>(sources.size());
        sources.forEach((name, s) -> {
            long[] minute = new long[Emotion.COUNT];
            for (int slot = 0; slot < SECONDS; slot++) {
                if (now - s.bucketSecond[slot] < SECONDS) {
                    for (int e = 0; e < Emotion.COUNT; e++) {
                        minute[e] += s.buckets[slot][e];
                    }
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", name);
            m.put("total", s.total.clone());
            m.put("lastMinute", minute);
            out.add(m);
        });
        return out;
    }

    private static final class Source {
        final long[] total = new long[Emotion.COUNT];
        final long[][] buckets = new long[SECONDS][Emotion.COUNT];
        final long[] bucketSecond = new long[SECONDS];

        Source() {
            java.util.Arrays.fill(bucketSecond, Long.MIN_VALUE / 2);
        }
    }
}

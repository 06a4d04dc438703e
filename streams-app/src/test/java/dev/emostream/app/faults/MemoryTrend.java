package dev.emostream.app.faults;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Whether a memory figure stayed flat over the soak: the median of the last third against the median of a
 * baseline window at 10-20% of the run (minutes 3-6 of 30).
 *
 * <p>Why these windows: the first minutes are warm-up (JIT, ND4J workspaces sized to the largest batch, RocksDB
 * memtables and the broker's index files filling), so minute 0 would flag growth that stops by itself. The last
 * third starts at the model swap, so a model that is never freed counts against it. Medians, so that one sample
 * taken during the broker restart or right after a swap does not decide it.
 *
 * <p>Why 15% (and at least {@value #MIN_TOLERANCE_MB} MiB): a steady run moves by a few percent between samples
 * (memtable flushes, malloc arenas, when a collection last ran), and a few MiB on a live heap of ~100 MiB is
 * already several percent. A real leak grows without bound: keeping one 48x48 frame (2.3 KiB) per classified
 * frame at 40 frames/s adds ~110 MiB between the two windows (about 20 minutes apart), far outside the band. The thresholds are
 * relative, so they hold on a fast or slow machine alike.
 */
record MemoryTrend(String figure, long baselineMb, long endMb, long toleranceMb, int baselineSamples,
                   int endSamples) {

    static final double TOLERANCE = 0.15;
    static final long MIN_TOLERANCE_MB = 32;

    /**
     * @param soak        samples of the steady phase only, oldest first; values below 0 are not taken
     * @param soakSeconds length of the steady phase
     */
    static MemoryTrend of(String figure, List<SoakSampler.Sample> soak, ToLongFunction<SoakSampler.Sample> value,
                          double soakSeconds) {
        List<Long> taken = soak.stream().filter(s -> value.applyAsLong(s) >= 0).map(value::applyAsLong).toList();
        List<SoakSampler.Sample> measured = soak.stream().filter(s -> value.applyAsLong(s) >= 0).toList();
        List<Long> baseline = window(measured, value, 0.10 * soakSeconds, 0.20 * soakSeconds);
        if (baseline.isEmpty()) {
            // a trial too short for the window: the first measurement after 10%
            baseline = measured.stream().filter(s -> s.seconds() >= 0.10 * soakSeconds).limit(1)
                    .map(value::applyAsLong).toList();
        }
        List<Long> end = window(measured, value, 2 * soakSeconds / 3, Double.MAX_VALUE);
        long base = median(baseline.isEmpty() ? taken : baseline);
        long tolerance = Math.max(MIN_TOLERANCE_MB, Math.round(TOLERANCE * base));
        return new MemoryTrend(figure, base, median(end), tolerance, baseline.size(), end.size());
    }

    boolean flat() {
        return baselineSamples > 0 && endSamples > 0 && endMb - baselineMb <= toleranceMb;
    }

    String describe() {
        return String.format("%s: %d MiB at 10-20%% of the run (%d samples), %d MiB in the last third (%d samples), "
                        + "allowed growth %d MiB", figure, baselineMb, baselineSamples, endMb, endSamples,
                toleranceMb);
    }

    private static List<Long> window(List<SoakSampler.Sample> samples, ToLongFunction<SoakSampler.Sample> value,
                                     double from, double to) {
        return samples.stream().filter(s -> s.seconds() >= from && s.seconds() <= to).map(value::applyAsLong)
                .toList();
    }

    private static long median(List<Long> values) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}

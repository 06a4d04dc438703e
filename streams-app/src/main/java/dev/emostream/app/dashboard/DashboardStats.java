package dev.emostream.app.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.apache.kafka.streams.errors.InvalidStateStoreException;

import dev.emostream.app.http.AppStatus;
import dev.emostream.app.http.RolloutJson;
import dev.emostream.app.topology.AccuracyCounts;
import dev.emostream.app.topology.PairedCounts;
import dev.emostream.model.Emotion;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * One stats message for the page, read from the app's own state: the accuracy store (interactive query, the
 * same data {@code /accuracy} serves), the meters {@code /metrics} exports, the per-source counts and the
 * serving model. Rates and means are over the interval since the previous call, so call it on a fixed tick
 * from one thread. It also notices model swaps (the version in service changed since the last tick).
 *
 * <p>The throughput chart's history is kept here, not in the page: a page plotting only the ticks it received saw
 * nothing of a replay that ended before it was opened (the demo's 3,589 faces take about 4 s, and its summary and
 * the dashboard's address come first), and read "max 1 frames/s" over an empty chart.
 */
final class DashboardStats {

    private static final int SWAPS_KEPT = 10;
    /** Ticks of frames/s the chart shows: two minutes at one a second. */
    static final int RATE_HISTORY = 120;

    private final AppStatus status;
    private final MeterRegistry meters;
    private final EmotionCounts counts;
    private final LongSupplier clockMs;
    private final Deque<Map<String, Object>> swaps = new ArrayDeque<>();
    private final Deque<Double> rates = new ArrayDeque<>();
    private String version;
    private long servingSinceMs;
    private long lastMs;
    private double lastClassified;
    private long lastBatches;
    private double lastBatchFrames;
    private double lastInferenceMs;

    DashboardStats(AppStatus status, MeterRegistry meters, EmotionCounts counts, LongSupplier clockMs) {
        this.status = status;
        this.meters = meters;
        this.counts = counts;
        this.clockMs = clockMs;
        this.version = status.modelVersion();
        this.servingSinceMs = clockMs.getAsLong();
        this.lastMs = servingSinceMs;
    }

    synchronized Map<String, Object> next() {
        long now = clockMs.getAsLong();
        String current = status.modelVersion();
        if (!current.equals(version)) {
            Map<String, Object> swap = new LinkedHashMap<>();
            swap.put("from", version);
            swap.put("to", current);
            swap.put("at", now);
            swaps.addFirst(swap);
            while (swaps.size() > SWAPS_KEPT) {
                swaps.removeLast();
            }
            version = current;
            servingSinceMs = now;
        }

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", now);
        m.put("state", status.state().name());
        m.put("classes", Emotion.names());
        m.put("modelVersion", version);
        m.put("servingSince", servingSinceMs);
        m.put("swaps", new ArrayList<>(swaps));

        double seconds = Math.max(0.001, (now - lastMs) / 1000.0);
        Counter classified = meters.find("emostream.frames.classified").counter();
        double total = classified == null ? 0 : classified.count();
        DistributionSummary batch = meters.find("emostream.batch.size").summary();
        long batches = batch == null ? 0 : batch.count();
        double batchFrames = batch == null ? 0 : batch.totalAmount();
        Timer inference = meters.find("emostream.inference").timer();
        double inferenceMs = inference == null ? 0 : inference.totalTime(TimeUnit.MILLISECONDS);
        long newBatches = batches - lastBatches;
        double rate = (total - lastClassified) / seconds;
        rates.addLast(Math.round(rate * 10) / 10.0);
        while (rates.size() > RATE_HISTORY) {
            rates.removeFirst();
        }
        m.put("classified", (long) total);
        m.put("framesPerSecond", rate);
        m.put("framesPerSecondHistory", new ArrayList<>(rates));
        m.put("batches", batches);
        m.put("batchSize", newBatches == 0 ? null : (batchFrames - lastBatchFrames) / newBatches);
        m.put("inferenceMs", newBatches == 0 ? null : (inferenceMs - lastInferenceMs) / newBatches);
        m.put("inferenceMsMax", inference == null ? null : inference.max(TimeUnit.MILLISECONDS));
        lastMs = now;
        lastClassified = total;
        lastBatches = batches;
        lastBatchFrames = batchFrames;
        lastInferenceMs = inferenceMs;

        Map<String, Long> rejects = new TreeMap<>();
        for (Counter c : meters.find("emostream.frames.rejected").counters()) {
            rejects.merge(c.getId().getTag("reason"), (long) c.count(), Long::sum);
        }
        m.put("rejects", rejects);
        m.put("sources", counts.snapshot());
        accuracy(m);
        status.rollout().ifPresent(view -> m.put("rollout", RolloutJson.of(view, comparisons())));
        return m;
    }

    private List<PairedCounts> comparisons() {
        try {
            return status.comparisons();
        } catch (RuntimeException e) {
            return List.of(); // starting or rebalancing
        }
    }

    private void accuracy(Map<String, Object> m) {
        List<AccuracyCounts> all;
        try {
            all = status.accuracy();
        } catch (InvalidStateStoreException e) {
            // starting or rebalancing: the page keeps showing the last numbers it had
            m.put("accuracyUnavailable", e.getMessage());
            return;
        } catch (RuntimeException e) {
            m.put("accuracyUnavailable", e.toString());
            return;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (AccuracyCounts c : all) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("modelVersion", c.modelVersion());
            a.put("scope", c.scope());
            a.put("seen", c.seen());
            a.put("labeled", c.labeled());
            a.put("correct", c.correct());
            a.put("accuracy", c.accuracy());
            a.put("confusion", c.confusionMatrix().toRows());
            out.add(a);
        }
        m.put("accuracy", out);
    }
}

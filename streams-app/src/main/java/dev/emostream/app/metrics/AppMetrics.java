package dev.emostream.app.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.emostream.model.face.FaceImage;
import dev.emostream.schemas.EmotionEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The app's own meters. Prometheus names (with the registry's suffixes):
 * {@code emostream_frames_classified_total} (rate() of it is frames/s), {@code emostream_batch_size}
 * (a distribution), {@code emostream_inference_seconds} (a timer per batch),
 * {@code emostream_frames_rejected_total{reason=...}}; during a rollout
 * {@code emostream_shadow_frames_total{model_version=...}} and {@code emostream_shadow_agreed_total{model_version=...}}
 * (the challenger's frames and those it put in the champion's class: their rates' ratio is the agreement),
 * {@code emostream_shadow_failed_total}, {@code emostream_shadow_skipped_total} (live frames left unshadowed because
 * frames were waiting for the model), {@code emostream_shadow_inference_seconds} and
 * {@code emostream_rollout_refused_total} (control records refused; the reasons are in the log and
 * {@code models status}); and
 * {@code emostream_event_latency_seconds{model_version=...}}: a histogram, 10 ms to 10 s, of each event's
 * {@code classifiedTime - captureTime}, recorded as the event is forwarded. Capture to classified rather than to
 * the commit that makes the event visible, because a downstream consumer can recompute it from the event's own
 * fields, and the processor sees no commit happen; the commit adds at most the commit gap
 * (docs/ARCHITECTURE.md, "Guarantees"). Its p50 and p99 over the last minute are on {@code /health}.
 */
public final class AppMetrics {

    /** The time {@link #recentEventLatency} covers: Micrometer's rotating window, the last 50 to 60 s. */
    public static final Duration LATENCY_WINDOW = Duration.ofMinutes(1);

    private final MeterRegistry registry;
    private final Counter classified;
    private final DistributionSummary batchSize;
    private final Timer inference;
    private final Map<String, Counter> rejects = new ConcurrentHashMap<>();
    private final Map<String, Timer> eventLatency = new ConcurrentHashMap<>();
    private final Map<String, Counter> shadowed = new ConcurrentHashMap<>();
    private final Map<String, Counter> agreed = new ConcurrentHashMap<>();
    private final Map<String, Counter> shadowFailed = new ConcurrentHashMap<>();
    private final Map<String, Counter> shadowSkipped = new ConcurrentHashMap<>();
    private final Timer shadowInference;
    private final Counter refused;
    private static final FrameListener NO_LISTENER = (event, face) -> { };
    private volatile FrameListener listener = NO_LISTENER;

    public AppMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.classified = Counter.builder("emostream.frames.classified")
                .description("Frames classified into emotion events").register(registry);
        this.batchSize = DistributionSummary.builder("emostream.batch.size")
                .description("Frames per inference call").baseUnit("frames")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128).register(registry);
        this.inference = Timer.builder("emostream.inference")
                .description("Time to preprocess and classify one batch").publishPercentileHistogram()
                .register(registry);
        this.shadowInference = Timer.builder("emostream.shadow.inference")
                .description("Time the challenger took on a batch's shadowed frames, after the champion")
                .register(registry);
        this.refused = Counter.builder("emostream.rollout.refused")
                .description("Control-topic records refused (a bad artifact, a step that does not fit the rollout)")
                .register(registry);
    }

    /** Meters kept in memory only, for tests and tools that do not export them. */
    public static AppMetrics inMemory() {
        return new AppMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void batchClassified(int frames, Duration took) {
        classified.increment(frames);
        batchSize.record(frames);
        inference.record(took);
    }

    /**
     * Sees every classified frame with its event, on the stream thread: must return at once (count, sample,
     * never block). The dashboard's tap; a no-op until one is set.
     */
    @FunctionalInterface
    public interface FrameListener {
        void classified(EmotionEvent event, FaceImage face);
    }

    /** Replaces the frame listener (null for none). */
    public void listen(FrameListener listener) {
        this.listener = listener == null ? NO_LISTENER : listener;
    }

    /** An event is forwarded: its latency is recorded and the listener sees it. */
    public void frameClassified(EmotionEvent event, FaceImage face) {
        long ms = event.getClassifiedTime().toEpochMilli() - event.getCaptureTime().toEpochMilli();
        // below 0 a camera's clock is ahead of the app's: counted in the lowest bucket rather than dropped
        eventLatency(event.getModelVersion().toString()).record(Math.max(0, ms), TimeUnit.MILLISECONDS);
        listener.classified(event, face);
    }

    /** The median and 99th percentile of the event latency. */
    public record LatencyPercentiles(double p50Ms, double p99Ms) {
    }

    /** Per model version with events in the last {@link #LATENCY_WINDOW}: their latency's p50 and p99. */
    public Map<String, LatencyPercentiles> recentEventLatency() {
        Map<String, LatencyPercentiles> out = new TreeMap<>();
        eventLatency.forEach((version, timer) -> {
            ValueAtPercentile[] p = timer.takeSnapshot().percentileValues();
            // a window without events reads 0 (as would one whose events all took 0 ms, which none does)
            if (p[1].value() > 0) {
                out.put(version, new LatencyPercentiles(p[0].value(TimeUnit.MILLISECONDS),
                        p[1].value(TimeUnit.MILLISECONDS)));
            }
        });
        return out;
    }

    private Timer eventLatency(String version) {
        return eventLatency.computeIfAbsent(version, v -> Timer.builder("emostream.event.latency")
                .description("Capture time to classified time of each event (classifiedTime - captureTime), "
                        + "recorded as it is forwarded; its commit follows within the commit gap")
                .tag("model.version", v)
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
                        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10))
                // for /health only: with histogram buckets the Prometheus registry exports no quantiles
                .publishPercentiles(0.5, 0.99).percentilePrecision(2)
                .distributionStatisticExpiry(LATENCY_WINDOW).distributionStatisticBufferLength(6)
                .register(registry));
    }

    /** The challenger classified {@code frames} of a batch, {@code agreeing} of them in the champion's class. */
    public void shadowClassified(String challenger, int frames, long agreeing, Duration took) {
        shadowed.computeIfAbsent(challenger, v -> Counter.builder("emostream.shadow.frames")
                .description("Frames the challenger classified beside the champion").tag("model.version", v)
                .register(registry)).increment(frames);
        agreed.computeIfAbsent(challenger, v -> Counter.builder("emostream.shadow.agreed")
                .description("Shadowed frames the challenger put in the champion's class").tag("model.version", v)
                .register(registry)).increment(agreeing);
        shadowInference.record(took);
    }

    /** The challenger failed on a batch: its frames went unshadowed. */
    public void shadowFailed(String challenger, int frames) {
        shadowFailed.computeIfAbsent(challenger, v -> Counter.builder("emostream.shadow.failed")
                .description("Frames left unshadowed because the challenger failed on their batch")
                .tag("model.version", v).register(registry)).increment(frames);
    }

    /** Live frames of a batch left unshadowed: frames were waiting for the model (the champion comes first). */
    public void shadowSkipped(String challenger, int frames) {
        shadowSkipped.computeIfAbsent(challenger, v -> Counter.builder("emostream.shadow.skipped")
                .description("Live frames left unshadowed because frames were waiting for the model")
                .tag("model.version", v).register(registry)).increment(frames);
    }

    public double shadowSkippedCount(String challenger) {
        Counter c = shadowSkipped.get(challenger);
        return c == null ? 0 : c.count();
    }

    /** A control-topic record refused (its artifact or its rollout step). */
    public void rolloutRefused() {
        refused.increment();
    }

    public double shadowedCount(String challenger) {
        Counter c = shadowed.get(challenger);
        return c == null ? 0 : c.count();
    }

    public void rejected(String reason) {
        rejects.computeIfAbsent(reason, r -> Counter.builder("emostream.frames.rejected")
                .description("Frames sent to the dead-letter topic, by reason").tag("reason", r)
                .register(registry)).increment();
    }

    public double classifiedCount() {
        return classified.count();
    }

    public double rejectedCount(String reason) {
        Counter c = rejects.get(reason);
        return c == null ? 0 : c.count();
    }
}

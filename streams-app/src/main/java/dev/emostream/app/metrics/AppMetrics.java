package dev.emostream.app.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.emostream.model.face.FaceImage;
import dev.emostream.schemas.EmotionEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The app's own meters. Prometheus names (with the registry's suffixes):
 * {@code emostream_frames_classified_total} (rate() of it is frames/s), {@code emostream_batch_size}
 * (a distribution), {@code emostream_inference_seconds} (a timer per batch),
 * {@code emostream_frames_rejected_total{reason=...}}.
 */
public final class AppMetrics {

    private final MeterRegistry registry;
    private final Counter classified;
    private final DistributionSummary batchSize;
    private final Timer inference;
    private final Map<String, Counter> rejects = new ConcurrentHashMap<>();
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

    public void frameClassified(EmotionEvent event, FaceImage face) {
        listener.classified(event, face);
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

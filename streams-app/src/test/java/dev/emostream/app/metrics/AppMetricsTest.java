package dev.emostream.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.emostream.model.face.FaceImage;
import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.EmotionEvent;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

@DisplayName("AppMetrics")
class AppMetricsTest {

    private static final FaceImage FACE = new FaceImage(48, 48, new byte[48 * 48]);

    private final MockClock clock = new MockClock();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
            new PrometheusRegistry(), clock);
    private final AppMetrics metrics = new AppMetrics(registry);

    /** An event of {@code version} captured {@code latencyMs} before it was classified. */
    private static EmotionEvent event(String version, long latencyMs) {
        Instant classified = Instant.parse("2026-12-01T10:00:00Z");
        return EmotionEvent.newBuilder().setFrameId("f").setSourceId("cam-1")
                .setCaptureTime(classified.minusMillis(latencyMs)).setClassifiedTime(classified)
                .setPredicted(Emotion.HAPPY).setConfidence(0.9f).setScores(List.of(0f, 0f, 0f, 0.9f, 0f, 0f, 0.1f))
                .setModelVersion(version).setTrueLabel(null).build();
    }

    @Test
    @DisplayName("each forwarded event's capture-to-classified time lands in the latency histogram of its model version")
    void latencyHistogramPerModelVersion() {
        for (long ms : new long[]{5, 20, 40, 40, 300, 3_000}) {
            metrics.frameClassified(event("v1", ms), FACE);
        }
        metrics.frameClassified(event("v2", 70), FACE);

        String scrape = registry.scrape();
        assertThat(scrape).contains(
                "emostream_event_latency_seconds_bucket{model_version=\"v1\",le=\"0.01\"} 1",
                "emostream_event_latency_seconds_bucket{model_version=\"v1\",le=\"0.025\"} 2",
                "emostream_event_latency_seconds_bucket{model_version=\"v1\",le=\"0.05\"} 4",
                "emostream_event_latency_seconds_bucket{model_version=\"v1\",le=\"0.5\"} 5",
                "emostream_event_latency_seconds_bucket{model_version=\"v1\",le=\"5.0\"} 6",
                "emostream_event_latency_seconds_bucket{model_version=\"v1\",le=\"10.0\"} 6",
                "emostream_event_latency_seconds_count{model_version=\"v1\"} 6",
                "emostream_event_latency_seconds_bucket{model_version=\"v2\",le=\"0.05\"} 0",
                "emostream_event_latency_seconds_bucket{model_version=\"v2\",le=\"0.1\"} 1");
    }

    @Test
    @DisplayName("a camera clock ahead of the app's counts in the lowest bucket, not nowhere")
    void negativeLatencyCounts() {
        metrics.frameClassified(event("v1", -30), FACE);

        assertThat(registry.scrape())
                .contains("emostream_event_latency_seconds_bucket{model_version=\"v1\",le=\"0.01\"} 1");
    }

    @Test
    @DisplayName("p50 and p99 cover the last minute's events, per model version")
    void recentPercentiles() {
        for (int ms = 1; ms <= 100; ms++) {
            metrics.frameClassified(event("v1", ms * 10L), FACE);
        }

        AppMetrics.LatencyPercentiles v1 = metrics.recentEventLatency().get("v1");
        assertThat(v1.p50Ms()).isCloseTo(500, within(25.0));
        assertThat(v1.p99Ms()).isCloseTo(990, within(50.0));

        clock.add(AppMetrics.LATENCY_WINDOW.plusSeconds(1));
        metrics.frameClassified(event("v2", 40), FACE);
        assertThat(metrics.recentEventLatency()).as("v1's events are older than the window").containsOnlyKeys("v2");
        assertThat(metrics.recentEventLatency().get("v2").p99Ms()).isCloseTo(40, within(2.0));
    }
}

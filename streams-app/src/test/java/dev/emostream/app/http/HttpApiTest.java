package dev.emostream.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.app.metrics.JvmMeters;
import dev.emostream.app.metrics.ProcessMemory;
import dev.emostream.app.topology.AccuracyCounts;
import dev.emostream.model.face.FaceImage;
import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.EmotionEvent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

@DisplayName("HttpApi")
class HttpApiTest {

    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.RUNNING);
    private final AtomicReference<String> stopReason = new AtomicReference<>();
    private final AtomicReference<List<AccuracyCounts>> counts = new AtomicReference<>(List.of());
    private final AtomicReference<InputLag> lag = new AtomicReference<>(InputLag.UNKNOWN);
    private final AtomicReference<StreamThreads> threads = new AtomicReference<>(StreamThreads.UNKNOWN);
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AppMetrics appMetrics = new AppMetrics(meters);
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpApi api;

    @BeforeEach
    void start() throws Exception {
        AppStatus status = new AppStatus() {
            @Override
            public KafkaStreams.State state() {
                return state.get();
            }

            @Override
            public String modelVersion() {
                return "m1";
            }

            @Override
            public java.util.Optional<String> stopReason() {
                return java.util.Optional.ofNullable(stopReason.get());
            }

            @Override
            public List<AccuracyCounts> accuracy() {
                if (counts.get() == null) {
                    throw new InvalidStateStoreException("rebalancing");
                }
                return counts.get();
            }

            @Override
            public InputLag inputLag() {
                return lag.get();
            }

            @Override
            public StreamThreads streamThreads() {
                return threads.get();
            }

            @Override
            public java.util.Map<String, AppMetrics.LatencyPercentiles> eventLatency() {
                return appMetrics.recentEventLatency();
            }
        };
        api = new HttpApi("127.0.0.1", 0, status, meters::scrape).start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("/health is 200 and UP while Kafka Streams is RUNNING")
    void healthy() throws Exception {
        HttpResponse<String> r = get("/health");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).contains("\"ready\" : true", "\"state\" : \"RUNNING\"", "\"modelVersion\" : \"m1\"");
    }

    @Test
    @DisplayName("/health is 503 while rebalancing, but /health/live stays 200")
    void rebalancing() throws Exception {
        state.set(KafkaStreams.State.REBALANCING);

        assertThat(get("/health").statusCode()).isEqualTo(503);
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("/health/live is 503 once Kafka Streams has failed")
    void failed() throws Exception {
        state.set(KafkaStreams.State.ERROR);

        assertThat(get("/health/live").statusCode()).isEqualTo(503);
    }

    @Test
    @DisplayName("/health reports the input lag: summed over partitions, the largest partition, how many")
    void healthLag() throws Exception {
        lag.set(new InputLag(155, 120, 3));

        HttpResponse<String> r = get("/health");

        assertThat(r.body()).contains("\"lag\" : {", "\"records\" : 155", "\"maxPartition\" : 120",
                "\"partitions\" : 3");
    }

    @Test
    @DisplayName("/health reports an unknown lag as null, not as a number")
    void healthLagUnknown() throws Exception {
        HttpResponse<String> r = get("/health");

        assertThat(r.body()).contains("\"records\" : null", "\"maxPartition\" : null", "\"partitions\" : 0");
    }

    @Test
    @DisplayName("/health reports failed and replaced stream threads, with the last cause, while still RUNNING")
    void healthThreads() throws Exception {
        threads.set(new StreamThreads(1, 2, 5, 3, "StreamsException caused by SchemaRegistryUnavailableException: down",
                1_764_390_000_000L));

        HttpResponse<String> r = get("/health");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"streamThreads\" : {", "\"alive\" : 1", "\"configured\" : 2",
                "\"failed\" : 5", "\"failedLastMinute\" : 3",
                "\"lastFailure\" : \"StreamsException caused by SchemaRegistryUnavailableException: down\"",
                "\"lastFailureTime\" : \"2025-11-29T04:20:00Z\"");
    }

    @Test
    @DisplayName("/accuracy lists every snapshot with counts and the 7x7 confusion matrix")
    void accuracy() throws Exception {
        long[] confusion = new long[49];
        confusion[3 * 7 + 3] = 2;
        confusion[3 * 7 + 4] = 1;
        counts.set(List.of(new AccuracyCounts("m1", "all", 4, 3, 2, confusion)));

        HttpResponse<String> r = get("/accuracy");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"scope\" : \"all\"", "\"labeled\" : 3", "\"correct\" : 2",
                "[ 0, 0, 0, 2, 1, 0, 0 ]");
    }

    @Test
    @DisplayName("/accuracy is 503 while the store cannot be queried")
    void accuracyNotReady() throws Exception {
        counts.set(null);

        assertThat(get("/accuracy").statusCode()).isEqualTo(503);
    }

    @Test
    @DisplayName("/metrics serves the app's meters as Prometheus text")
    void metrics() throws Exception {
        appMetrics.rejected("SIZE_MISMATCH");

        HttpResponse<String> r = get("/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body()).contains("emostream_frames_rejected_total{reason=\"SIZE_MISMATCH\"} 1.0",
                "emostream_batch_size", "emostream_inference_seconds");
    }

    @Test
    @DisplayName("after events, /metrics has their latency histogram and /health their p50 and p99 over the last minute")
    void eventLatency() throws Exception {
        for (long ms = 10; ms <= 1_000; ms += 10) {
            Instant classified = Instant.now();
            appMetrics.frameClassified(EmotionEvent.newBuilder().setFrameId("f" + ms).setSourceId("cam-1")
                    .setCaptureTime(classified.minusMillis(ms)).setClassifiedTime(classified)
                    .setPredicted(Emotion.SAD).setConfidence(0.5f).setScores(List.of(0f, 0f, 0f, 0f, 0.5f, 0f, 0.5f))
                    .setModelVersion("m1").setTrueLabel(null).build(), new FaceImage(48, 48, new byte[48 * 48]));
        }

        assertThat(get("/metrics").body()).contains(
                "emostream_event_latency_seconds_bucket{model_version=\"m1\",le=\"0.1\"} 10",
                "emostream_event_latency_seconds_bucket{model_version=\"m1\",le=\"1.0\"} 100");
        JsonNode latency = new ObjectMapper().readTree(get("/health").body()).get("eventLatency");
        assertThat(latency.get("windowSeconds").asLong()).isEqualTo(60);
        assertThat(latency.get("byModelVersion").get("m1").get("p50Ms").asDouble()).isBetween(480.0, 530.0);
        assertThat(latency.get("byModelVersion").get("m1").get("p99Ms").asDouble()).isBetween(960.0, 1_050.0);
    }

    @Test
    @DisplayName("/health shows no latency for a model version without events in the last minute")
    void eventLatencyNone() throws Exception {
        assertThat(get("/health").body()).contains("\"byModelVersion\" : { }");
    }

    @Test
    @DisplayName("/metrics carries the JVM's memory, GC, CPU and thread meters and the process RSS")
    void jvmMetrics() throws Exception {
        try (JvmMeters jvm = JvmMeters.bindTo(meters)) {
            String body = get("/metrics").body();

            assertThat(body).contains("jvm_memory_used_bytes{area=\"heap\"", "jvm_gc_live_data_size_bytes",
                    "process_cpu_usage", "jvm_threads_live_threads");
            if (ProcessMemory.rssBytes() >= 0) {
                assertThat(body).contains("process_resident_memory_bytes");
            }
        }
    }

    @Test
    @DisplayName("an unknown path is 404")
    void unknownPath() throws Exception {
        assertThat(get("/nope").statusCode()).isEqualTo(404);
    }

    @Test
    @DisplayName("once the app stops itself on a permanent error, /health and /health/live are 503 DOWN with the reason, even before Streams leaves RUNNING")
    void stoppingWithReason() throws Exception {
        stopReason.set("a configuration error no retry can fix: registry answered HTTP 401");

        for (String path : List.of("/health", "/health/live")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(503);
            assertThat(r.body()).as(path).contains("\"status\" : \"DOWN\"",
                    "\"reason\" : \"a configuration error no retry can fix: registry answered HTTP 401\"");
        }
    }
}

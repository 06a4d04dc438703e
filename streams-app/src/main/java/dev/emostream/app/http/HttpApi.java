package dev.emostream.app.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.emostream.app.dashboard.Dashboard;
import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.app.topology.AccuracyCounts;
import dev.emostream.app.topology.PairedCounts;
import dev.emostream.model.Emotion;

/**
 * The app's HTTP endpoints, on the JDK's own server (no framework for four GET routes):
 * <ul>
 *   <li>{@code /health}: readiness, 200 when Kafka Streams is RUNNING, else 503; the JSON also says whether the
 *       process is live, the Streams state, the model version, the input lag and the stream threads (alive,
 *       configured, failed and replaced), so an orchestrator can act on a lagging or crash-looping instance, and
 *       the events' latency (p50, p99 over the last minute, per model version)</li>
 *   <li>{@code /health/live}: liveness, 503 only once Streams has failed or stopped (a restart would help)</li>
 *   <li>{@code /accuracy}: the running accuracy snapshots held by this instance, JSON; in topic mode also the
 *       rollout: champion, challenger, the paired counts this instance holds, the latest rollout records</li>
 *   <li>{@code /metrics}: Prometheus text</li>
 * </ul>
 * Anything else is 404; a method other than GET or HEAD is 405; a request body is 413 and an overlong path or
 * query 414 ({@link RequestLimits}), on every path.
 */
public final class HttpApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final RequestLimits LIMITS = new RequestLimits();

    private final HttpServer server;
    private final AppStatus status;
    private final Supplier<String> metrics;
    private Dashboard dashboard;

    /**
     * @param port    0 for any free port
     * @param metrics Prometheus text exposition of the app's meters
     */
    public HttpApi(String host, int port, AppStatus status, Supplier<String> metrics) throws IOException {
        this.status = status;
        this.metrics = metrics;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/", this::handle).getFilters().add(LIMITS);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        }));
    }

    /** Serves the live dashboard: the page at {@code /}, its files under {@code /dashboard/}, events at {@code /events}. */
    public HttpApi withDashboard(Dashboard dashboard) {
        this.dashboard = dashboard;
        // own contexts: /events keeps its exchange open after the handler returns, so it must not meet handle()'s close
        server.createContext("/events", dashboard::events).getFilters().add(LIMITS);
        server.createContext("/dashboard/", dashboard::asset).getFilters().add(LIMITS);
        return this;
    }

    public HttpApi start() {
        server.start();
        LOG.info("HTTP on http://{}:{}/ (health, accuracy, metrics)", server.getAddress().getHostString(), port());
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().add("Allow", "GET, HEAD");
                send(exchange, 405, "application/json", json(Map.of("error", "method " + method + " not allowed")));
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/" -> {
                    if (dashboard != null) {
                        dashboard.page(exchange);
                    } else {
                        send(exchange, 404, "application/json", json(Map.of("error", "no dashboard")));
                    }
                }
                case "/health" -> health(exchange, true);
                case "/health/live" -> health(exchange, false);
                case "/accuracy" -> accuracy(exchange);
                case "/metrics" -> send(exchange, 200, PROMETHEUS_TYPE, metrics.get());
                default -> send(exchange, 404, "application/json",
                        json(Map.of("error", "no such path: " + exchange.getRequestURI().getPath(),
                                "paths", List.of("/health", "/health/live", "/accuracy", "/metrics"))));
            }
        } catch (RuntimeException e) {
            LOG.warn("HTTP {} failed: {}", exchange.getRequestURI(), e.toString());
        }
    }

    private void health(HttpExchange exchange, boolean readiness) throws IOException {
        KafkaStreams.State state = status.state();
        boolean ready = state == KafkaStreams.State.RUNNING;
        // REBALANCING and CREATED are normal on the way to RUNNING; only a dead client needs a restart
        Optional<String> stopping = status.stopReason();
        boolean live = stopping.isEmpty() && state != KafkaStreams.State.ERROR
                && state != KafkaStreams.State.PENDING_ERROR && state != KafkaStreams.State.NOT_RUNNING
                && state != KafkaStreams.State.PENDING_SHUTDOWN;
        ready &= stopping.isEmpty();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", (readiness ? ready : live) ? "UP" : "DOWN");
        body.put("live", live);
        body.put("ready", ready);
        body.put("state", state.name());
        body.put("modelVersion", status.modelVersion());
        InputLag lag = status.inputLag();
        Map<String, Object> lagBody = new LinkedHashMap<>();
        // null, not -1, in JSON: "unknown" must not read as a number an alert could compare
        lagBody.put("records", lag.partitions() == 0 ? null : lag.records());
        lagBody.put("maxPartition", lag.partitions() == 0 ? null : lag.maxPartition());
        lagBody.put("partitions", lag.partitions());
        body.put("lag", lagBody);
        StreamThreads threads = status.streamThreads();
        Map<String, Object> threadsBody = new LinkedHashMap<>();
        threadsBody.put("alive", threads.alive() < 0 ? null : threads.alive());
        threadsBody.put("configured", threads.configured() < 0 ? null : threads.configured());
        threadsBody.put("failed", threads.failed());
        threadsBody.put("failedLastMinute", threads.failedLastMinute());
        threadsBody.put("lastFailure", threads.lastFailure());
        threadsBody.put("lastFailureTime", threads.lastFailureMs() < 0 ? null
                : java.time.Instant.ofEpochMilli(threads.lastFailureMs()).toString());
        body.put("streamThreads", threadsBody);
        body.put("eventLatency", eventLatency());
        stopping.ifPresent(reason -> body.put("reason", reason));
        send(exchange, (readiness ? ready : live) ? 200 : 503, "application/json", json(body));
    }

    /** Capture to classified, as {@code emostream_event_latency_seconds} measures it; milliseconds, 0.1 ms steps. */
    private Map<String, Object> eventLatency() {
        Map<String, Object> byVersion = new LinkedHashMap<>();
        status.eventLatency().forEach((version, p) -> {
            Map<String, Object> percentiles = new LinkedHashMap<>();
            percentiles.put("p50Ms", Math.round(p.p50Ms() * 10) / 10.0);
            percentiles.put("p99Ms", Math.round(p.p99Ms() * 10) / 10.0);
            byVersion.put(version, percentiles);
        });
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("measures", "captureTime to classifiedTime");
        latency.put("windowSeconds", AppMetrics.LATENCY_WINDOW.toSeconds());
        latency.put("byModelVersion", byVersion);
        return latency;
    }

    private void accuracy(HttpExchange exchange) throws IOException {
        List<AccuracyCounts> counts;
        try {
            counts = status.accuracy();
        } catch (InvalidStateStoreException e) {
            send(exchange, 503, "application/json", json(Map.of("error", "accuracy store not queryable yet: "
                    + e.getMessage(), "state", status.state().name())));
            return;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (AccuracyCounts c : counts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("modelVersion", c.modelVersion());
            m.put("scope", c.scope());
            m.put("seen", c.seen());
            m.put("labeled", c.labeled());
            m.put("correct", c.correct());
            m.put("accuracy", c.accuracy());
            m.put("classes", Emotion.names());
            m.put("confusion", c.confusionMatrix().toRows());
            out.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("modelVersion", status.modelVersion());
        body.put("snapshots", out);
        status.rollout().ifPresent(view -> body.put("rollout", RolloutJson.of(view, comparisons())));
        send(exchange, 200, "application/json", json(body));
    }

    /** The paired counts this instance holds; none while its rollout store is not queryable. */
    private List<PairedCounts> comparisons() {
        try {
            return status.comparisons();
        } catch (InvalidStateStoreException e) {
            return List.of();
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e, e);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        if (server.getExecutor() instanceof java.util.concurrent.ExecutorService pool) {
            pool.shutdownNow();
        }
    }
}

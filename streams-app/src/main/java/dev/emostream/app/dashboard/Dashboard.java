package dev.emostream.app.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import dev.emostream.app.http.AppStatus;
import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.model.face.FaceImage;
import dev.emostream.schemas.EmotionEvent;

/**
 * The live dashboard: the page at {@code /} (static files under {@code /dashboard/}) and its server-sent events
 * at {@code /events}. Fed by the classifier's tap ({@link AppMetrics.FrameListener}): every frame is counted
 * per source, a few are kept as faces. One publisher thread sends the new faces every {@value #FACES_MS} ms and
 * a stats message every {@value #STATS_MS} ms, built from the app's own state (accuracy store, meters, model
 * holder), never by re-reading topics. Everything is bounded: faces per second, faces kept, viewers, and each
 * viewer's queue.
 */
public final class Dashboard implements AppMetrics.FrameListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long FACES_MS = 200;
    static final long STATS_MS = 1000;
    /** Ten faces a second reach the page whatever the replay speed. */
    static final long SAMPLE_INTERVAL_MS = 100;
    static final int FACES_KEPT = 24;
    static final int MAX_VIEWERS = 8;
    /** About 15 s of messages: a viewer further behind than that is dropped and reconnects. */
    static final int VIEWER_QUEUE = 64;
    private static final Map<String, String> ASSETS = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8");

    private final EmotionCounts counts = new EmotionCounts(System::currentTimeMillis);
    private final FaceSampler sampler = new FaceSampler(SAMPLE_INTERVAL_MS, FACES_KEPT, System::currentTimeMillis);
    private final DashboardStats stats;
    private final EventStream events = new EventStream(MAX_VIEWERS, VIEWER_QUEUE);
    private final Map<String, byte[]> assets = new LinkedHashMap<>();
    private final ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dashboard-publisher");
        t.setDaemon(true);
        return t;
    });
    private volatile String lastStats;
    private long facesSent;

    public Dashboard(AppStatus status, AppMetrics metrics) {
        this.stats = new DashboardStats(status, metrics.registry(), counts, System::currentTimeMillis);
        for (String name : ASSETS.keySet()) {
            try (InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("dashboard/" + name + " missing from the classpath");
                }
                assets.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read dashboard/" + name, e);
            }
        }
    }

    public Dashboard start() {
        publisher.scheduleAtFixedRate(this::publishFaces, FACES_MS, FACES_MS, TimeUnit.MILLISECONDS);
        publisher.scheduleAtFixedRate(this::publishStats, 0, STATS_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void classified(EmotionEvent event, FaceImage face) {
        counts.add(String.valueOf(event.getSourceId()), event.getPredicted().ordinal());
        sampler.offer(event, face);
    }

    /** {@code GET /}: the page. */
    public void page(HttpExchange exchange) throws IOException {
        send(exchange, 200, ASSETS.get("index.html"), assets.get("index.html"));
    }

    /** {@code GET /dashboard/<file>}: the page's script and style sheet. */
    public void asset(HttpExchange exchange) throws IOException {
        try (exchange) {
            String name = exchange.getRequestURI().getPath().substring("/dashboard/".length());
            byte[] body = assets.get(name);
            if (body == null) {
                send(exchange, 404, "text/plain; charset=utf-8", ("no dashboard file " + name + "\n").getBytes());
            } else {
                send(exchange, 200, ASSETS.get(name), body);
            }
        }
    }

    /** {@code GET /events}: the event stream; the exchange stays open after this returns. */
    public void events(HttpExchange exchange) throws IOException {
        List<String> first = new ArrayList<>(2);
        String s = lastStats;
        if (s != null) {
            first.add(s);
        }
        // the newest faces at once, so a page opened while frames are quiet is not empty
        List<FaceSampler.Sample> recent = sampler.since(0);
        if (!recent.isEmpty()) {
            first.add(EventStream.message("faces", json(Map.of("faces", faces(recent)))));
        }
        events.accept(exchange, first);
    }

    /** Viewers connected now. */
    public int viewers() {
        return events.clients();
    }

    private void publishFaces() {
        try {
            List<FaceSampler.Sample> fresh = sampler.since(facesSent);
            if (fresh.isEmpty()) {
                return;
            }
            facesSent = fresh.get(fresh.size() - 1).seq() + 1;
            if (events.clients() > 0) {
                events.broadcast(EventStream.message("faces", json(Map.of("faces", faces(fresh)))));
            }
        } catch (RuntimeException e) {
            LOG.warn("dashboard: cannot send faces: {}", e.toString());
        }
    }

    private void publishStats() {
        try {
            // computed with or without viewers: swaps are noticed on this tick, and a new viewer gets it first
            String m = EventStream.message("stats", json(stats.next()));
            lastStats = m;
            events.broadcast(m);
        } catch (RuntimeException e) {
            LOG.warn("dashboard: cannot send stats: {}", e.toString());
        }
    }

    private static List<Map<String, Object>> faces(List<FaceSampler.Sample> samples) {
        Base64.Encoder b64 = Base64.getEncoder();
        List<Map<String, Object>> out = new ArrayList<>(samples.size());
        for (FaceSampler.Sample s : samples) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("seq", s.seq());
            f.put("frameId", s.frameId());
            f.put("source", s.source());
            f.put("predicted", s.predicted());
            f.put("confidence", s.confidence());
            f.put("truth", s.truth());
            f.put("modelVersion", s.modelVersion());
            f.put("time", s.classifiedMs());
            f.put("size", FaceSampler.SIZE);
            f.put("pixels", b64.encodeToString(s.pixels()));
            out.add(f);
        }
        return out;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write dashboard JSON: " + e, e);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        publisher.shutdownNow();
        events.close();
        try {
            publisher.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

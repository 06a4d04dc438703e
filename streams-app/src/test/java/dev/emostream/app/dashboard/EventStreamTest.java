package dev.emostream.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

@DisplayName("server-sent events to the dashboard")
class EventStreamTest {

    private final EventStream events = new EventStream(2, 4);
    private HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/events", exchange -> events.accept(exchange, List.of(EventStream.message("hello", "{}"))));
        server.setExecutor(Executors.newFixedThreadPool(1));
        server.start();
    }

    @AfterEach
    void stop() {
        events.close();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private HttpResponse<InputStream> connect() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static List<String> lines(BufferedReader in, int n) throws Exception {
        List<String> out = new ArrayList<>();
        while (out.size() < n) {
            out.add(in.readLine());
        }
        return out;
    }

    @Test
    @DisplayName("a viewer gets retry:, the first messages, then broadcasts, on a handler thread that is free again")
    void streams() throws Exception {
        HttpResponse<InputStream> r = connect();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        assertThat(lines(in, 5)).containsExactly("retry: " + EventStream.RETRY_MS, "", "event: hello", "data: {}", "");
        // the single handler thread returned, so a second viewer is served too
        HttpResponse<InputStream> second = connect();
        assertThat(second.statusCode()).isEqualTo(200);
        events.broadcast(EventStream.message("stats", "{\"n\":1}"));
        assertThat(lines(in, 3)).containsExactly("event: stats", "data: {\"n\":1}", "");
        second.body().close();
    }

    @Test
    @DisplayName("viewers beyond the limit get 503, and a viewer that leaves frees its place and its thread")
    void boundedAndNoLeak() throws Exception {
        HttpResponse<InputStream> a = connect();
        HttpResponse<InputStream> b = connect();
        assertThat(connect().statusCode()).isEqualTo(503);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.clients() == 2);
        a.body().close();
        b.body().close();
        // the next writes fail on the closed sockets and end the writer threads
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            events.broadcast(EventStream.message("stats", "{}"));
            return events.clients() == 0 && sseThreads() == 0;
        });
        assertThat(connect().statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a viewer that does not read is dropped instead of growing its queue")
    void slowViewerDropped() throws Exception {
        HttpResponse<InputStream> r = connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> events.clients() == 1);
        String big = EventStream.message("stats", "\"" + "x".repeat(1 << 20) + "\"");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            events.broadcast(big);
            return events.clients() == 0;
        });
        r.body().close();
        await().atMost(Duration.ofSeconds(5)).until(() -> sseThreads() == 0);
    }

    private static long sseThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("dashboard-sse-") && t.isAlive()).count();
    }
}

package dev.emostream.app.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import dev.emostream.app.testing.HttpExchanges;

/**
 * What a secured schema registry looks like to its clients, put in front of the embedded (plain HTTP, open)
 * registry: HTTPS with the test CA's server certificate, and HTTP basic authentication for one user. Requests
 * with the right {@code Authorization} header are forwarded as they are; others are answered 401 the way
 * Confluent's registry answers them.
 */
final class BasicAuthHttpsProxy implements AutoCloseable {

    private static final List<String> FORWARDED_HEADERS = List.of("Content-Type", "Accept");

    private final HttpsServer server;
    private final ExecutorService executor;
    private final HttpClient upstream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI upstreamOrigin;
    private final String expectedAuthorization;
    private final AtomicInteger forwarded = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    private BasicAuthHttpsProxy(HttpsServer server, ExecutorService executor, URI upstreamOrigin, String user,
                                String password) {
        this.server = server;
        this.executor = executor;
        this.upstreamOrigin = upstreamOrigin;
        this.expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** @param upstreamUrl any URL of the registry; only its scheme, host and port are used */
    static BasicAuthHttpsProxy start(String upstreamUrl, SSLContext ssl, String user, String password)
            throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "registry-https-proxy");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        URI u = URI.create(upstreamUrl);
        BasicAuthHttpsProxy proxy = new BasicAuthHttpsProxy(server, executor,
                URI.create(u.getScheme() + "://" + u.getRawAuthority()), user, password);
        server.createContext("/", proxy::handle);
        server.start();
        return proxy;
    }

    /** {@code https://localhost:PORT} + {@code path}: {@code localhost} is the name the server certificate carries. */
    String url(String path) {
        return "https://localhost:" + server.getAddress().getPort() + path;
    }

    /** Requests that carried the right credentials. */
    int forwarded() {
        return forwarded.get();
    }

    /** Requests answered 401. */
    int refused() {
        return refused.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"schema-registry\"");
                HttpExchanges.respond(exchange, 401, "application/json",
                        "{\"error_code\":40101,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            forwarded.incrementAndGet();
            URI target = upstreamOrigin.resolve(exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
            HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String name : FORWARDED_HEADERS) {
                String value = exchange.getRequestHeaders().getFirst(name);
                if (value != null) {
                    request.header(name, value);
                }
            }
            HttpResponse<byte[]> response;
            try {
                response = upstream.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                HttpExchanges.respond(exchange, 502, "text/plain", ("registry unreachable: " + e).getBytes(StandardCharsets.UTF_8));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                HttpExchanges.respond(exchange, 503, "text/plain", new byte[0]);
                return;
            }
            HttpExchanges.respond(exchange, response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse("application/json"), response.body());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

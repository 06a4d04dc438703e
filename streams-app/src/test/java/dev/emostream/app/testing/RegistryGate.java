package dev.emostream.app.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP proxy in front of the real registry that can answer the way the embedded Apicurio never does: 401 to a
 * request without the expected bearer token, 403 to a registration (a registry that forbids clients to register,
 * Confluent's RBAC answer). Everything else is forwarded unchanged. It records what it saw.
 */
public final class RegistryGate implements AutoCloseable {

    /** One request as the gate saw it. */
    public record Seen(String method, String path, String authorization) {
    }

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String upstream;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile String requiredBearer;
    private volatile boolean denyRegistration;

    /** @param upstream the registry's Confluent API base, e.g. {@code http://localhost:P/apis/ccompat/v7} */
    public RegistryGate(String upstream) throws IOException {
        this.upstream = upstream;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "registry-gate");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** The gate's base URL; paths below it map to the same paths below the upstream base. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answer 401 unless a request carries {@code Authorization: Bearer <token>}. */
    public RegistryGate requireBearer(String token) {
        this.requiredBearer = token;
        return this;
    }

    /** Answer 403 to {@code POST /subjects/{subject}/versions}. */
    public RegistryGate denyRegistration() {
        this.denyRegistration = true;
        return this;
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            URI uri = exchange.getRequestURI();
            String path = uri.getRawPath();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            seen.add(new Seen(method, path, authorization));
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (requiredBearer != null && !("Bearer " + requiredBearer).equals(authorization)) {
                answer(exchange, 401, "{\"error_code\":40101,\"message\":\"Unauthorized\"}");
                return;
            }
            if (denyRegistration && method.equals("POST") && path.matches(".*/subjects/[^/]+/versions")) {
                answer(exchange, 403, "{\"error_code\":40301,\"message\":\"User is denied operation Write on Subject\"}");
                return;
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(upstream + path
                            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String header : List.of("Content-Type", "Accept")) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    forward.header(header, value);
                }
            }
            HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            HttpExchanges.respond(exchange, response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse("application/json"), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        HttpExchanges.respond(exchange, status, "application/vnd.schemaregistry.v1+json",
                json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
        if (server.getExecutor() instanceof java.util.concurrent.ExecutorService pool) {
            pool.shutdownNow();
        }
    }
}

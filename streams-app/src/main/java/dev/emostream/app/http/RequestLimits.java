package dev.emostream.app.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;

/**
 * Bounds what a request may carry before any handler sees it. The endpoints are GET-only and take no body, so a
 * declared body is refused (413) without being read, and a request target longer than {@link #MAX_TARGET}
 * characters, or a query longer than {@link #MAX_QUERY}, is refused (414). The JDK server itself bounds the
 * number of request headers ({@code sun.net.httpserver.maxReqHeaders}, 200).
 */
final class RequestLimits extends Filter {

    /** Path and query together. */
    static final int MAX_TARGET = 2048;
    static final int MAX_QUERY = 512;

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        String target = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        int length = (target == null ? 0 : target.length()) + (query == null ? 0 : query.length() + 1);
        if (length > MAX_TARGET || (query != null && query.length() > MAX_QUERY)) {
            refuse(exchange, 414, "request target too long: " + length + " characters, query at most " + MAX_QUERY
                    + ", path and query at most " + MAX_TARGET);
            return;
        }
        // every Content-Length, not the first: "0" then "7" declares a body too (found by RequestLimitsFuzzTest,
        // docs/FUZZING.md; JDK 17.0.15's server answers 400 to differing values itself, but the filter must not
        // rely on the server it is mounted on)
        boolean declaresLength = exchange.getRequestHeaders().getOrDefault("Content-Length", List.of()).stream()
                .anyMatch(value -> !value.trim().equals("0"));
        boolean chunked = exchange.getRequestHeaders().containsKey("Transfer-Encoding");
        if (chunked || declaresLength) {
            refuse(exchange, 413, "request bodies are not accepted");
            return;
        }
        chain.doFilter(exchange);
    }

    @Override
    public String description() {
        return "bounds request targets and refuses request bodies";
    }

    private static void refuse(HttpExchange exchange, int status, String message) throws IOException {
        try (exchange) {
            byte[] body = ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            // the unread body must not be taken for the next request on this connection
            exchange.getResponseHeaders().set("Connection", "close");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}

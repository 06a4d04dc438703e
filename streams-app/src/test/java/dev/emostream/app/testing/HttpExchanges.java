package dev.emostream.app.testing;

import java.io.IOException;
import java.io.OutputStream;

import com.sun.net.httpserver.HttpExchange;

/** Answers for the tests' small HTTP servers (registry stubs and proxies). */
public final class HttpExchanges {

    private HttpExchanges() {
    }

    /** Sends {@code body} (none when empty) with this status and content type. */
    public static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}

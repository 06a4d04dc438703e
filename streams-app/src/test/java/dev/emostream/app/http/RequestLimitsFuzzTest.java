package dev.emostream.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

/**
 * {@link RequestLimits} on any request target and headers the JDK server could hand it: a target over
 * {@value RequestLimits#MAX_TARGET} characters or a query over {@value RequestLimits#MAX_QUERY} is 414, a request
 * that declares a body (any non-zero {@code Content-Length}, among several too, or any {@code Transfer-Encoding}) is
 * 413 with the body unread, and everything else reaches the handler untouched. Nothing throws.
 */
class RequestLimitsFuzzTest {

    private static final RequestLimits LIMITS = new RequestLimits();

    @FuzzTest(maxDuration = "2m")
    void refusesExactlyWhatTheLimitsSay(FuzzedDataProvider data) throws Exception {
        URI target;
        try {
            target = new URI(data.consumeString(3_000));
        } catch (URISyntaxException unparseable) {
            return; // the JDK server answers 400 before any filter runs
        }
        Headers headers = new Headers();
        int n = data.consumeInt(0, 6);
        for (int i = 0; i < n; i++) {
            String name = data.pickValue(List.of("Content-Length", "content-length", "Transfer-Encoding", "Host",
                    "Accept", "Expect"));
            try {
                headers.add(name, data.consumeString(40));
            } catch (IllegalArgumentException notAHeaderValue) {
                // CR or LF in a value: the JDK's Headers refuse it, so its parser can never hand a filter one
            }
        }
        FakeExchange exchange = new FakeExchange(target, headers);
        AtomicBoolean handled = new AtomicBoolean();

        LIMITS.doFilter(exchange, new Filter.Chain(List.of(), e -> handled.set(true)));

        String path = target.getRawPath();
        String query = target.getRawQuery();
        int length = (path == null ? 0 : path.length()) + (query == null ? 0 : query.length() + 1);
        boolean tooLong = length > RequestLimits.MAX_TARGET || (query != null && query.length() > RequestLimits.MAX_QUERY);
        boolean body = headers.containsKey("Transfer-Encoding") || headers.getOrDefault("Content-Length", List.of())
                .stream().anyMatch(v -> !v.trim().equals("0"));
        int expected = tooLong ? 414 : body ? 413 : -1;
        assertThat(exchange.status).as("status for %s with %s", target, headers.entrySet()).isEqualTo(expected);
        assertThat(handled.get()).isEqualTo(expected == -1);
        assertThat(exchange.bodyRead).isFalse();
    }

    /** Just enough of an exchange for a filter: the request's target and headers, and what was answered. */
    private static final class FakeExchange extends HttpExchange {
        private final URI uri;
        private final Headers requestHeaders;
        private final Headers responseHeaders = new Headers();
        private final ByteArrayOutputStream response = new ByteArrayOutputStream();
        int status = -1;
        boolean bodyRead;

        FakeExchange(URI uri, Headers requestHeaders) {
            this.uri = uri;
            this.requestHeaders = requestHeaders;
        }

        @Override
        public Headers getRequestHeaders() {
            return requestHeaders;
        }

        @Override
        public Headers getResponseHeaders() {
            return responseHeaders;
        }

        @Override
        public URI getRequestURI() {
            return uri;
        }

        @Override
        public String getRequestMethod() {
            return "GET";
        }

        @Override
        public HttpContext getHttpContext() {
            return null;
        }

        @Override
        public void close() {
        }

        @Override
        public InputStream getRequestBody() {
            bodyRead = true;
            return new ByteArrayInputStream(new byte[0]);
        }

        @Override
        public OutputStream getResponseBody() {
            return response;
        }

        @Override
        public void sendResponseHeaders(int rCode, long responseLength) {
            status = rCode;
        }

        @Override
        public InetSocketAddress getRemoteAddress() {
            return new InetSocketAddress(0);
        }

        @Override
        public int getResponseCode() {
            return status;
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            return new InetSocketAddress(0);
        }

        @Override
        public String getProtocol() {
            return "HTTP/1.1";
        }

        @Override
        public Object getAttribute(String name) {
            return null;
        }

        @Override
        public void setAttribute(String name, Object value) {
        }

        @Override
        public void setStreams(InputStream i, OutputStream o) {
        }

        @Override
        public HttpPrincipal getPrincipal() {
            return null;
        }
    }
}

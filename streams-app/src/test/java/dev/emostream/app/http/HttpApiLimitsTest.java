package dev.emostream.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.emostream.app.config.AppConfig;
import dev.emostream.app.config.ConfigLoader;

@DisplayName("HttpApi limits (what a hostile or careless client can send)")
class HttpApiLimitsTest {

    private HttpApi api;

    @BeforeEach
    void start() throws Exception {
        AppConfig defaults = ConfigLoader.load(null, Map.of(), List.of("http.port=0"));
        api = new HttpApi(defaults.httpHost(), defaults.httpPort(), new RunningStatus(List.of()), () -> "").start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** Sends {@code head} (request line and headers, no body unless written by the caller) and returns the status. */
    private int status(String head) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), api.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    private int get(String target) throws Exception {
        return status("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    }

    @Test
    @DisplayName("by default it listens on the loopback interface only")
    void loopbackByDefault() throws Exception {
        AppConfig defaults = ConfigLoader.load(null, Map.of(), List.of());
        assertThat(defaults.httpHost()).isEqualTo("127.0.0.1");
        assertThat(InetAddress.getByName(defaults.httpHost()).isLoopbackAddress()).isTrue();
        assertThat(get("/health")).isEqualTo(200);
    }

    @Test
    @DisplayName("the listening address is configurable (http.host)")
    void hostConfigurable() {
        AppConfig config = ConfigLoader.load(null, Map.of(), List.of("http.host=0.0.0.0"));
        assertThat(config.httpHost()).isEqualTo("0.0.0.0");
    }

    @Test
    @DisplayName("unknown paths are 404, on every context")
    void unknownPaths() throws Exception {
        assertThat(get("/admin")).isEqualTo(404);
        assertThat(get("/metrics/extra")).isEqualTo(404);
        assertThat(get("/health/live/x")).isEqualTo(404);
        assertThat(get("/.env")).isEqualTo(404);
    }

    @Test
    @DisplayName("a short query is accepted and ignored; a long query or path is 414")
    void boundedTarget() throws Exception {
        assertThat(get("/health?verbose=1")).isEqualTo(200);
        assertThat(get("/health?q=" + "a".repeat(RequestLimits.MAX_QUERY))).isEqualTo(414);
        assertThat(get("/" + "p".repeat(RequestLimits.MAX_TARGET))).isEqualTo(414);
    }

    @Test
    @DisplayName("a request body is refused with 413 without being read, whatever the method")
    void bodiesRefused() throws Exception {
        // the declared 1 GiB is never sent: the answer must come from the headers alone
        assertThat(status("POST /health HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1073741824\r\n\r\n"))
                .isEqualTo(413);
        assertThat(status("GET /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello")).isEqualTo(413);
        assertThat(status("PUT /accuracy HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"))
                .isEqualTo(413);
        assertThat(status("DELETE /health HTTP/1.1\r\nHost: localhost\r\n\r\n")).as("no body: method check")
                .isEqualTo(405);
    }

    @Test
    @DisplayName("a second Content-Length after one of 0 is refused, not served (RequestLimitsFuzzTest's finding)")
    void secondContentLength() throws Exception {
        // JDK 17.0.15's server answers 400 itself to differing values; RequestLimits (413) holds where it does not
        assertThat(status("GET /health HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n"
                + "hello")).isIn(400, 413);
    }
}

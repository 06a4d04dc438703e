package dev.emostream.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.emostream.app.topology.AccuracyCounts;

/**
 * Any bytes a client can send to the app's HTTP port (the endpoints without the dashboard, whose {@code /events}
 * stays open by design): every request is answered or the connection closed within {@value #READ_TIMEOUT_MS} ms,
 * no handler fails (HttpApi logs a failed exchange at WARN; none may appear), and the server still answers
 * {@code /health/live} afterwards. Inputs are capped at {@value #MAX_INPUT} bytes: the limits under test are far
 * below that.
 */
class HttpApiFuzzTest {

    private static final int READ_TIMEOUT_MS = 5_000;
    private static final int MAX_INPUT = 8_192;
    private static final ListAppender<ILoggingEvent> WARNINGS = new ListAppender<>();
    private static HttpApi api;

    @BeforeAll
    static void start() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(HttpApi.class);
        WARNINGS.start();
        logger.addAppender(WARNINGS);
        AppStatus status = new RunningStatus(List.of(new AccuracyCounts("m1", "all", 4, 3, 2, new long[49])));
        api = new HttpApi("127.0.0.1", 0, status, () -> "# no meters\n").start();
    }

    @AfterAll
    static void stop() {
        api.close();
        ((Logger) LoggerFactory.getLogger(HttpApi.class)).detachAppender(WARNINGS);
    }

    @FuzzTest(maxDuration = "2m")
    void anyBytesGetAnAnswerAndTheServerStaysUp(byte[] request) throws Exception {
        if (request.length > MAX_INPUT) {
            return;
        }
        // the connection goes to the server under test, not to anywhere the input names (Jazzer's SSRF detector)
        try (SilentCloseable loopbackOnly = BugDetectors.allowNetworkConnections(
                (host, port) -> port == api.port() && InetAddress.getLoopbackAddress().getHostName().equals(host))) {
            exchange(request);
            assertThat(WARNINGS.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .extracting(ILoggingEvent::getFormattedMessage).isEmpty();

            String health = exchange("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(health).startsWith("HTTP/1.1 200");
        }
    }

    /** Sends the bytes, ends the request stream (so a partial request cannot wait for more) and reads to the end. */
    private static String exchange(byte[] bytes) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), api.port())) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
                socket.shutdownOutput();
            } catch (java.net.SocketException refusedEarly) {
                // the server may answer (413/414) and close before it has read everything: that is its right
            }
            InputStream in = socket.getInputStream();
            // a SocketTimeoutException here is a hang: Jazzer reports it with the input
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException reset) {
            return ""; // closed with unread data (an answered 413): a reset, not a hang
        }
    }
}

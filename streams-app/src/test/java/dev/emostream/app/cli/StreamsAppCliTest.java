package dev.emostream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

@DisplayName("StreamsAppCli")
class StreamsAppCliTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = StreamsAppCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    @DisplayName("--help lists the subcommands")
    void help() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("run", "models");
    }

    @Test
    @DisplayName("run --help documents the environment rule and the app's keys")
    void runHelp() {
        assertThat(run("run", "--help")).isZero();
        assertThat(out.toString()).contains("--config", "--property", "EMOSTREAM_BOOTSTRAP_SERVERS",
                "classifier.batch.size");
        // picocli wraps long lines: compare without the line breaks
        String unwrapped = out.toString().replaceAll("\\s+", "");
        for (String key : dev.emostream.app.config.AppConfig.APP_KEYS) {
            assertThat(unwrapped).as("run --help names %s", key).contains(key);
        }
    }

    @Test
    @DisplayName("models --help lists its subcommands, each with a --help of its own")
    void modelsHelp() {
        assertThat(run("models", "--help")).isZero();
        assertThat(out.toString()).contains("publish", "promote", "rollback", "status");
        for (String sub : new String[]{"publish", "promote", "rollback", "status"}) {
            assertThat(run("models", sub, "--help")).as(sub).isZero();
        }
        assertThat(out.toString()).contains("--champion", "--reason", "--json");
    }

    @Test
    @DisplayName("models publish of a corrupt artifact: one line naming it, exit code 2, before touching Kafka")
    void publishBadArtifact() throws Exception {
        Path model = dir.resolve("bad.model.zip");
        Files.write(model, new byte[]{1, 2, 3});

        int code = run("models", "publish", model.toString(), "-p", "bootstrap.servers=127.0.0.1:1");

        assertThat(code).isEqualTo(StreamsAppCli.EXIT_BAD_MODEL);
        assertThat(err.toString().strip()).startsWith("streams-app models publish: model artifact " + model)
                .doesNotContain("\n");
    }

    @Test
    @DisplayName("a corrupt model stops run with one line and exit code 2, before touching Kafka")
    void badModel() throws Exception {
        Path model = dir.resolve("bad.model.zip");
        Files.write(model, new byte[]{1, 2, 3});

        int code = run("run", "--property", "model.path=" + model, "--property", "http.port=-1");

        assertThat(code).isEqualTo(StreamsAppCli.EXIT_BAD_MODEL);
        assertThat(err.toString().strip()).startsWith("streams-app run: model artifact").doesNotContain("\n");
    }

    @Test
    @DisplayName("an empty models folder stops run with one line and exit code 2")
    void noModel() {
        int code = run("run", "--property", "model.path=" + dir);

        assertThat(code).isEqualTo(StreamsAppCli.EXIT_BAD_MODEL);
        assertThat(err.toString()).contains("no *.model.zip");
    }

    @Test
    @DisplayName("a failure's one line ends with its root cause when that says more (why a TLS handshake failed)")
    void oneLineWithRootCause() {
        Exception e = new IllegalStateException("cannot create topic t: Failed to process post-handshake messages",
                new RuntimeException("Failed to process post-handshake messages",
                        new javax.net.ssl.SSLHandshakeException("Received fatal alert: bad_certificate")));
        assertThat(StreamsAppCli.oneLine(e)).isEqualTo("cannot create topic t: Failed to process post-handshake "
                + "messages (SSLHandshakeException: Received fatal alert: bad_certificate)");
        assertThat(StreamsAppCli.oneLine(new IllegalStateException("a: b", new RuntimeException("b"))))
                .isEqualTo("a: b");
    }
}

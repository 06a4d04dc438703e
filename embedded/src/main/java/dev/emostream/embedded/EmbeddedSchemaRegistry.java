package dev.emostream.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real schema registry for tests and the demo: Apicurio Registry 2.4.2 with in-memory storage, built by the
 * {@code schema-registry} module, run as a child JVM on a free port. Clients talk to its Confluent-compatible
 * API at {@link #url()}.
 *
 * <p>The child is stopped by {@link #close()} and, should the JVM exit without it (a failed test run, Ctrl-C),
 * by a shutdown hook, so no registry outlives the process that started it. Its output goes to
 * {@link #logFile()}, not the console.
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
 *     String url = registry.url(); // http://localhost:PORT/apis/ccompat/v7
 * }
 * }</pre>
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    /** System property naming the registry's {@code quarkus-run.jar} (set by the parent pom for tests). */
    public static final String APP_PROPERTY = "emostream.registry.app";
    /** Confluent-compatible API path of Apicurio Registry 2.x. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    static final String RELATIVE_APP = "schema-registry/target/quarkus-app/quarkus-run.jar";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final Path logFile;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private EmbeddedSchemaRegistry(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.shutdownHook = new Thread(this::stopProcess, "embedded-schema-registry-stop-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the registry named by {@value #APP_PROPERTY} (or found next to the working directory). */
    public static EmbeddedSchemaRegistry start() {
        return start(locateApp(), DEFAULT_START_TIMEOUT);
    }

    /** Starts the registry from an explicit {@code quarkus-run.jar}. */
    public static EmbeddedSchemaRegistry start(Path quarkusRunJar) {
        return start(quarkusRunJar, DEFAULT_START_TIMEOUT);
    }

    public static EmbeddedSchemaRegistry start(Path quarkusRunJar, Duration timeout) {
        Objects.requireNonNull(quarkusRunJar, "quarkusRunJar");
        if (!Files.isRegularFile(quarkusRunJar)) {
            throw new IllegalStateException("schema registry application not found at " + quarkusRunJar.toAbsolutePath()
                    + ": build it with `mvn -pl schema-registry package` from the project root");
        }
        IllegalStateException failure = null;
        // a free port can be taken by someone else between choosing it and the child binding it: try again
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = FreePorts.next();
            Path logFile = logFileFor(port);
            Process process = launch(quarkusRunJar, port, logFile);
            EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(process, port, logFile);
            try {
                registry.awaitReady(timeout);
                log.info("schema registry ready at {} (pid {}, log {})", registry.url(), process.pid(), logFile);
                return registry;
            } catch (IllegalStateException e) {
                registry.close();
                failure = e;
                if (!registry.logMentionsPortInUse()) {
                    break;
                }
                log.warn("schema registry port {} was taken, retrying on another", port);
            }
        }
        throw failure;
    }

    /** Base URL of the Confluent-compatible API, e.g. {@code http://localhost:41234/apis/ccompat/v7}. */
    public String url() {
        return baseUrl() + CCOMPAT_PATH;
    }

    /** The server root, e.g. {@code http://localhost:41234}. */
    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public int port() {
        return port;
    }

    /** Where the registry's stdout and stderr go. */
    public Path logFile() {
        return logFile;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops the child: a polite termination first, then a forced one after a timeout. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway and finds the process gone
        }
    }

    @Override
    public String toString() {
        return "EmbeddedSchemaRegistry[" + url() + ", pid " + process.pid() + "]";
    }

    private void stopProcess() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("schema registry pid {} did not stop within {}s, killing it", process.pid(), STOP_TIMEOUT.toSeconds());
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects")).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("schema registry exited with code " + process.exitValue()
                        + " before answering on port " + port + "; log " + logFile + ":\n" + logTail());
            }
            try {
                HttpResponse<String> resp = http.send(probe, HttpResponse.BodyHandlers.ofString());
                if (resp.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + resp.statusCode() + " " + resp.body();
            } catch (ConnectException e) {
                last = "connection refused";
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the schema registry", e);
            }
            sleep(100);
        }
        throw new IllegalStateException("schema registry did not answer " + url() + "/subjects within "
                + timeout.toSeconds() + "s (last: " + last + "); log " + logFile + ":\n" + logTail());
    }

    private boolean logMentionsPortInUse() {
        String tail = logTail();
        return tail.contains("Address already in use") || tail.contains("Port already bound");
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static Process launch(Path app, int port, Path logFile) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // a small, quickly started JVM: the registry holds a handful of schemas
        cmd.add("-Xms32m");
        cmd.add("-Xmx384m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        cmd.add("-jar");
        cmd.add(app.toAbsolutePath().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
        // Apicurio reads these (LOG_LEVEL, REGISTRY_LOG_LEVEL) in its prod profile
        pb.environment().putIfAbsent("LOG_LEVEL", "WARN");
        pb.environment().putIfAbsent("REGISTRY_LOG_LEVEL", "WARN");
        try {
            Process p = pb.start();
            log.debug("started schema registry pid {}: {}", p.pid(), String.join(" ", cmd));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the schema registry: " + String.join(" ", cmd), e);
        }
    }

    private static Path locateApp() {
        String configured = System.getProperty(APP_PROPERTY);
        if (configured != null && !configured.isBlank() && Files.isRegularFile(Path.of(configured))) {
            return Path.of(configured);
        }
        // run from a module directory (IDE, `mvn` inside a module): look in the project root
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE_APP);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("schema registry application not found"
                + (configured == null ? "" : " at " + configured + " (system property " + APP_PROPERTY + ")")
                + " nor at ./" + RELATIVE_APP + " in any parent directory: build it with"
                + " `mvn -pl schema-registry package` from the project root");
    }

    private static Path logFileFor(int port) {
        try {
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                return Files.createDirectories(target.resolve("embedded-schema-registry")).resolve("registry-" + port + ".log");
            }
            return Files.createTempFile("emostream-schema-registry-" + port + "-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the schema registry log file", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the schema registry", e);
        }
    }
}

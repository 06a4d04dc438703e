package dev.emostream.app.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.config.AppConfig;
import dev.emostream.app.config.ConfigLoader;
import dev.emostream.embedded.EmbeddedKafkaBroker;
import dev.emostream.embedded.EmbeddedSchemaRegistry;
import dev.emostream.model.artifact.ModelArtifactException;

/**
 * The demo's whole system in this process: an embedded KRaft broker, the Apicurio registry as a child process, and
 * the app with its state in a temporary folder. {@link #close()} stops them in reverse order and may be called from
 * a shutdown hook (Ctrl-C) and from the main thread, in any order, any number of times.
 */
final class DemoEnvironment implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoEnvironment.class);
    private static final Duration APP_CLOSE_TIMEOUT = Duration.ofSeconds(15);

    private EmbeddedKafkaBroker broker;
    private EmbeddedSchemaRegistry registry;
    private EmotionStreamsApp app;
    private AppConfig config;
    private Path stateDir;
    private boolean closed;

    /** Starts the broker and the registry side by side (the registry's JVM takes the longer). */
    synchronized void startInfrastructure(Path registryApp) {
        CompletableFuture<EmbeddedSchemaRegistry> registryStart =
                CompletableFuture.supplyAsync(() -> EmbeddedSchemaRegistry.start(registryApp));
        try {
            broker = EmbeddedKafkaBroker.start();
        } finally {
            try {
                registry = registryStart.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
    }

    synchronized void createTopics(List<String> topics) {
        topics.forEach(t -> broker.createTopic(t, 1));
    }

    /** The app's configuration: the embedded endpoints, a fresh state folder, then the user's overrides. */
    synchronized AppConfig appConfig(Path model, List<String> overrides) throws IOException {
        stateDir = Files.createTempDirectory("emostream-demo-state");
        Map<String, String> base = new LinkedHashMap<>();
        base.put("bootstrap.servers", broker.bootstrapServers());
        base.put("schema.registry.url", registry.url());
        base.put("application.id", "emostream-demo");
        base.put("state.dir", stateDir.toString());
        base.put("model.path", model.toString());
        base.put("http.port", "0");
        List<String> all = new java.util.ArrayList<>();
        base.forEach((k, v) -> all.add(k + "=" + v));
        all.addAll(overrides);
        // no environment layer: EMOSTREAM_BOOTSTRAP_SERVERS set for a real cluster must not point the demo there
        config = ConfigLoader.load(null, Map.of(), all);
        return config;
    }

    synchronized EmotionStreamsApp startApp() throws ModelArtifactException, IOException {
        app = EmotionStreamsApp.create(config).start();
        return app;
    }

    /** Waits until Kafka Streams is RUNNING, so the replay's frames meet an app that is ready. */
    void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (app.streams().state() != KafkaStreams.State.RUNNING) {
            if (app.streams().state() == KafkaStreams.State.ERROR || System.nanoTime() > deadline) {
                throw new IllegalStateException("the app did not reach RUNNING within " + timeout.toSeconds()
                        + " s (state " + app.streams().state() + ")");
            }
            Thread.sleep(100);
        }
    }

    EmbeddedKafkaBroker broker() {
        return broker;
    }

    EmbeddedSchemaRegistry registry() {
        return registry;
    }

    AppConfig config() {
        return config;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (app != null) {
            quietly("app", () -> app.close(APP_CLOSE_TIMEOUT));
        }
        if (registry != null) {
            quietly("schema registry", registry::close);
        }
        if (broker != null) {
            quietly("broker", broker::close);
        }
        if (stateDir != null) {
            quietly("state folder", () -> deleteRecursively(stateDir));
        }
    }

    // AutoCloseable, a JDK type, rather than an interface of ours: a shutdown hook that has to load a class from a jar
    // replaced since start (a rebuild under a running demo) fails with NoClassDefFoundError and stops nothing
    private static void quietly(String what, AutoCloseable action) {
        try {
            action.close();
        } catch (Exception e) {
            LOG.warn("stopping the {} failed: {}", what, e.toString());
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

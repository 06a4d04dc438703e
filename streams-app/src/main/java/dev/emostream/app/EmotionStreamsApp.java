package dev.emostream.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.config.AppConfig;
import dev.emostream.app.dashboard.Dashboard;
import dev.emostream.app.http.AppStatus;
import dev.emostream.app.http.HttpApi;
import dev.emostream.app.http.InputLag;
import dev.emostream.app.http.StreamThreads;
import dev.emostream.app.http.ThreadFailures;
import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.app.metrics.JvmMeters;
import dev.emostream.app.model.ModelHolder;
import dev.emostream.app.model.ModelLoader;
import dev.emostream.app.model.ModelWatcher;
import dev.emostream.app.model.ServingModel;
import dev.emostream.app.replay.KafkaOptions;
import dev.emostream.app.rollout.ControlTopic;
import dev.emostream.app.rollout.RolloutFollower;
import dev.emostream.app.rollout.RolloutSettings;
import dev.emostream.app.rollout.RolloutView;
import dev.emostream.app.topology.AccuracyCounts;
import dev.emostream.app.topology.EmotionTopology;
import dev.emostream.app.topology.PairedCounts;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.model.inference.NativeThreads;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import dev.emostream.schemas.registry.SchemaRegistryClients;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The running application: the topology from {@link EmotionTopology}, a {@link KafkaStreams} client, the model
 * watcher (folder mode) or the rollout follower (topic mode) and the HTTP endpoints, started and stopped together.
 * Everything it needs comes from an {@link AppConfig}; the command line ({@code StreamsAppCli run}) only builds the
 * config and waits.
 */
public final class EmotionStreamsApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmotionStreamsApp.class);
    /** Pause before a failed stream thread is replaced, so an unreachable registry is not hammered. */
    private static final Duration REPLACE_BACKOFF = Duration.ofSeconds(1);
    /** A failure this long after the previous one of the same kind starts a new count of replacements. */
    private static final Duration SAME_FAILURE_WINDOW = Duration.ofMinutes(10);

    private final AppConfig config;
    private final ModelHolder models;
    private final Path modelFile;
    private final SchemaRegistryClient registry;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AppMetrics metrics = new AppMetrics(meters);
    private final JvmMeters jvmMeters = JvmMeters.bindTo(meters);
    /** Runs batches through the model: as many threads as batches a task may have in flight, one per core by default. */
    private final ExecutorService inference;
    private final ThreadFailures threadFailures = new ThreadFailures();
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private ModelWatcher watcher;
    private RolloutFollower follower;
    private HttpApi http;
    private Dashboard dashboard;
    private boolean closed;
    /** Why the app is stopping on its own (a permanent error), for /health and the exit message. */
    private volatile String stopReason;
    private final CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();

    private EmotionStreamsApp(AppConfig config, ServingModel initial, SchemaRegistryClient registry) {
        this.config = config;
        this.models = new ModelHolder(initial);
        this.modelFile = Path.of(initial.origin());
        this.registry = registry;
        // below the stream thread, which forwards and commits: a batch waits a ms, an event's commit does not
        // wait for a core the model holds (the OS sees it with -XX:ThreadPriorityPolicy=1, set by the launchers)
        this.inference = Executors.newFixedThreadPool(config.settings().batchesInFlight(),
                NativeThreads.forwardPassThreads("emostream-inference-", config.nativeThreads(), Thread.MIN_PRIORITY));
    }

    /**
     * Loads and verifies the model first, so a bad one stops the app before it touches Kafka.
     *
     * @throws ModelArtifactException with a one-line reason when no usable model is found
     */
    public static EmotionStreamsApp create(AppConfig config) throws ModelArtifactException {
        NativeThreads.perForwardPass(config.nativeThreads());
        ServingModel model = new ModelLoader(config.foldBatchNorm()).load(config.modelPath());
        LOG.info("serving model {} from {}", model.version(), model.origin());
        SchemaRegistryClient registry = SchemaRegistryClients.fromProperties(config.registryProperties());
        return new EmotionStreamsApp(config, model, registry);
    }

    /** Topic mode's settings, or null in folder mode. */
    private RolloutSettings rollout() {
        return config.modelsFromTopic() ? config.rolloutSettings() : null;
    }

    public Topology topology() {
        return EmotionTopology.build(config.settings(), rollout(), models, registry, config.registryProperties(), metrics,
                inference);
    }

    /**
     * Starts everything; in topic mode it first reads the control topic to its end (creating it when missing), so the
     * first frame is classified by the model the topic names.
     */
    public EmotionStreamsApp start() throws IOException {
        prepare();
        if (follower != null) {
            awaitControlTopic();
        }
        synchronized (this) {
            if (!closed) {
                streams.start();
            }
        }
        return this;
    }

    private void awaitControlTopic() throws IOException {
        long next = System.nanoTime();
        while (true) {
            synchronized (this) {
                if (closed) {
                    return;
                }
            }
            try {
                follower.caughtUp().get(1, java.util.concurrent.TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() > next) {
                    LOG.info("waiting for control topic {} before classifying", config.rolloutSettings().controlTopic());
                    next = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                }
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("cannot follow control topic " + config.rolloutSettings().controlTopic() + ": "
                        + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading the control topic", e);
            }
        }
    }

    private synchronized void prepare() throws IOException {
        Topology topology = topology();
        LOG.debug("topology:\n{}", topology.describe());
        streams = new KafkaStreams(topology, config.streamsProperties());
        StreamThreadFailurePolicy failures = new StreamThreadFailurePolicy(config.maxThreadReplacements(),
                SAME_FAILURE_WINDOW, REPLACE_BACKOFF);
        streams.setUncaughtExceptionHandler(e -> {
            StreamThreadFailurePolicy.Decision decision;
            synchronized (failures) {
                decision = failures.onFailure(e, System.currentTimeMillis());
            }
            threadFailures.failed(decision.reason());
            if (decision.stop()) {
                stopReason = decision.reason();
                LOG.error("stopping the app: {}", decision.reason());
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            // Transient failures (registry unreachable, a fenced producer) end here too: the uncommitted records
            // are read again by the replacement thread, so nothing is lost or dead-lettered by mistake.
            LOG.warn("stream thread failed, replacing it in {} ms: {}", decision.pause().toMillis(), decision.reason());
            sleep(decision.pause());
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.complete(now);
            }
        });
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
        if (config.httpPort() >= 0) {
            dashboard = new Dashboard(status(), metrics).start();
            metrics.listen(dashboard);
            http = new HttpApi(config.httpHost(), config.httpPort(), status(), meters::scrape).withDashboard(dashboard)
                    .start();
        }
        RolloutSettings rollout = rollout();
        Path watched = config.modelPath();
        if (rollout != null) {
            try (Admin admin = Admin.create(KafkaOptions.admin(config))) {
                ControlTopic.ensure(admin, rollout.controlTopic());
                ControlTopic.ensureShadow(admin, rollout.shadowTopic(), config.settings().emotionsTopic());
            }
            String stateDir = config.streamsProperties().getProperty("state.dir", "work/streams-state");
            String appId = config.streamsProperties().getProperty("application.id", "emostream-app");
            Path artifacts = Path.of(stateDir, appId + "-artifacts");
            deleteRecursively(artifacts); // a cache of the topic's artifacts: rebuilt from the topic at each start
            String clientId = config.streamsProperties().getProperty("client.id", appId);
            follower = new RolloutFollower(rollout, models, new ModelLoader(config.foldBatchNorm()), metrics,
                    KafkaOptions.consumer(config), registry, clientId + "-rollout", artifacts, models.current(),
                    ModelArtifact.sha256(modelFile)).start();
        } else if (Files.isDirectory(watched) && !config.modelWatchInterval().isZero()) {
            watcher = new ModelWatcher(watched, new ModelLoader(config.foldBatchNorm()), models, config.modelWatchInterval(),
                    modelFile);
            watcher.start();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Completes with ERROR or NOT_RUNNING once Kafka Streams has stopped. */
    public CompletableFuture<KafkaStreams.State> stopped() {
        return stopped;
    }

    public ModelHolder models() {
        return models;
    }

    /** What the control topic says (topic mode, once read); empty in folder mode. */
    public Optional<RolloutView> rolloutView() {
        return follower == null ? Optional.empty() : Optional.ofNullable(follower.view());
    }

    /** Why the app stopped itself (a permanent error), once it has decided to. */
    public Optional<String> stopReason() {
        return Optional.ofNullable(stopReason);
    }

    public AppMetrics metrics() {
        return metrics;
    }

    /** The HTTP port actually bound, or -1 without HTTP. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    private AppStatus status() {
        return new AppStatus() {
            @Override
            public KafkaStreams.State state() {
                return streams.state();
            }

            @Override
            public String modelVersion() {
                return models.current().version();
            }

            @Override
            public Optional<String> stopReason() {
                return EmotionStreamsApp.this.stopReason();
            }

            @Override
            public List<AccuracyCounts> accuracy() {
                ReadOnlyKeyValueStore<String, AccuracyCounts> store = streams.store(StoreQueryParameters.fromNameAndType(
                        EmotionTopology.ACCURACY_STORE, QueryableStoreTypes.<String, AccuracyCounts>keyValueStore()));
                List<AccuracyCounts> out = new ArrayList<>();
                try (KeyValueIterator<String, AccuracyCounts> it = store.all()) {
                    it.forEachRemaining(kv -> out.add(kv.value));
                }
                return out;
            }

            @Override
            public Optional<RolloutView> rollout() {
                return rolloutView();
            }

            @Override
            public List<PairedCounts> comparisons() {
                if (follower == null) {
                    return List.of();
                }
                ReadOnlyKeyValueStore<String, PairedCounts> store = streams.store(StoreQueryParameters.fromNameAndType(
                        EmotionTopology.ROLLOUT_STORE, QueryableStoreTypes.<String, PairedCounts>keyValueStore()));
                List<PairedCounts> out = new ArrayList<>();
                try (KeyValueIterator<String, PairedCounts> it = store.all()) {
                    it.forEachRemaining(kv -> out.add(kv.value));
                }
                return out;
            }

            @Override
            public InputLag inputLag() {
                return InputLag.from(streams.metrics(), config.settings().inputPattern());
            }

            @Override
            public StreamThreads streamThreads() {
                int alive = (int) streams.metadataForLocalThreads().stream()
                        .filter(t -> !t.threadState().equals("DEAD")).count();
                return threadFailures.snapshot(alive, configuredThreads());
            }

            @Override
            public Map<String, AppMetrics.LatencyPercentiles> eventLatency() {
                return metrics.recentEventLatency();
            }
        };
    }

    private int configuredThreads() {
        Object n = config.streamsProperties().get(StreamsConfig.NUM_STREAM_THREADS_CONFIG);
        return n == null ? 1 : Integer.parseInt(n.toString().trim());
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    public synchronized void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        if (watcher != null) {
            watcher.close();
        }
        if (follower != null) {
            follower.close();
        }
        if (streams != null) {
            streams.close(timeout);
        }
        inference.shutdownNow();
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (dashboard != null) {
            metrics.listen(null);
            dashboard.close();
        }
        if (http != null) {
            http.close();
        }
        jvmMeters.close();
        meters.close();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }
}

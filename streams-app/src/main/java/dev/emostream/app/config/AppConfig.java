package dev.emostream.app.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

import dev.emostream.app.rollout.RolloutSettings;
import dev.emostream.app.topology.FaceFrameValidator;
import dev.emostream.app.topology.TopologySettings;
import dev.emostream.model.artifact.ModelLocator;
import dev.emostream.model.image.ImageLimits;
import dev.emostream.model.inference.NativeThreads;
import dev.emostream.schemas.registry.SchemaRegistryClientConfig;

/**
 * The app's whole configuration as one flat property map: Kafka Streams (and client) properties, the
 * schema-registry client's, and the app's own keys listed below. The app's own keys never reach Kafka: a
 * {@code batch.size} of ours passed through would become the producer's {@code batch.size} in bytes, which is
 * why ours are named {@code classifier.batch.size} and so on.
 *
 * <p>Layers, later wins: {@link #defaults()}, the config file, the environment, {@code --property k=v}
 * (see {@link ConfigLoader}).
 */
public final class AppConfig {

    public static final String INPUT_PATTERN = "input.pattern";
    public static final String EMOTIONS_TOPIC = "emotions.topic";
    public static final String ACCURACY_TOPIC = "accuracy.topic";
    public static final String REJECTED_TOPIC = "rejected.topic";
    public static final String BATCH_SIZE = "classifier.batch.size";
    public static final String BATCH_MAX_WAIT_MS = "classifier.batch.max.wait.ms";
    public static final String BATCH_IDLE_MS = "classifier.batch.idle.ms";
    public static final String BATCH_BACKLOG_MS = "classifier.batch.backlog.ms";
    public static final String BATCH_LINGER_MS = "classifier.batch.linger.ms";
    public static final String LATENCY_TARGET_MS = "classifier.latency.target.ms";
    public static final String LIVE_COMMIT_MS = "classifier.live.commit.ms";
    public static final String COMMIT_BACKLOG_MS = "classifier.commit.backlog.ms";
    public static final String BATCHES_IN_FLIGHT = "classifier.batches.in.flight";
    public static final String BATCHES_WAITING = "classifier.batches.waiting";
    public static final String NATIVE_THREADS = "classifier.native.threads";
    public static final String FRAME_MIN_SIZE = "frame.min.size";
    public static final String FRAME_MAX_SIZE = "frame.max.size";
    public static final String IMAGE_MAX_BYTES = FaceFrameValidator.IMAGE_MAX_BYTES;
    public static final String IMAGE_MAX_SIZE = FaceFrameValidator.IMAGE_MAX_SIZE;
    public static final String IMAGE_MAX_PIXELS = FaceFrameValidator.IMAGE_MAX_PIXELS;
    public static final String MODEL_PATH = "model.path";
    public static final String MODEL_WATCH_INTERVAL_MS = "model.watch.interval.ms";
    /** Serve each model with its batch norms folded into the convolutions (exact up to float rounding, faster). */
    public static final String MODEL_FOLD_BATCH_NORM = "model.fold.batch.norm";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    /** How often a stream thread failing the same way (not a transient failure) is replaced before the app stops. */
    public static final String MAX_THREAD_REPLACEMENTS = "stream.thread.max.replacements";
    /** Where models come from: {@code folder} ({@code model.path}, watched) or {@code topic} (the control topic). */
    public static final String MODEL_SOURCE = "model.source";
    public static final String ROLLOUT_TOPIC = "rollout.topic";
    public static final String SHADOW_TOPIC = "shadow.topic";
    public static final String SHADOW_SHARE = "rollout.shadow.share";
    /** Whether live frames go unshadowed while frames wait for the model ({@code true}) or every picked frame is shadowed. */
    public static final String SHADOW_YIELD = "rollout.shadow.yield";
    public static final String ROLLOUT_MIN_LABELED = "rollout.min.labeled";
    public static final String ROLLOUT_MAX_LABELED = "rollout.max.labeled";
    public static final String ROLLOUT_ALPHA = "rollout.alpha";
    public static final String ROLLOUT_MAX_DURATION_MS = "rollout.max.duration.ms";
    public static final String SOURCE_FOLDER = "folder";
    public static final String SOURCE_TOPIC = "topic";

    /** Keys of this app, removed before the rest goes to {@code KafkaStreams}. */
    public static final Set<String> APP_KEYS = Set.of(INPUT_PATTERN, EMOTIONS_TOPIC, ACCURACY_TOPIC, REJECTED_TOPIC,
            BATCH_SIZE, BATCH_MAX_WAIT_MS, BATCH_IDLE_MS, BATCH_BACKLOG_MS, BATCH_LINGER_MS, LATENCY_TARGET_MS,
            LIVE_COMMIT_MS, COMMIT_BACKLOG_MS, BATCHES_IN_FLIGHT, BATCHES_WAITING, NATIVE_THREADS,
            FRAME_MIN_SIZE, FRAME_MAX_SIZE, IMAGE_MAX_BYTES, IMAGE_MAX_SIZE, IMAGE_MAX_PIXELS, MODEL_PATH,
            MODEL_WATCH_INTERVAL_MS, MODEL_FOLD_BATCH_NORM, HTTP_HOST, HTTP_PORT, MAX_THREAD_REPLACEMENTS, MODEL_SOURCE,
            ROLLOUT_TOPIC, SHADOW_TOPIC, SHADOW_SHARE, SHADOW_YIELD, ROLLOUT_MIN_LABELED, ROLLOUT_MAX_LABELED, ROLLOUT_ALPHA,
            ROLLOUT_MAX_DURATION_MS);

    private final Map<String, String> values;

    public AppConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
        settings(); // fail at load time, not when the topology is built
        FaceFrameValidator.limits(settings(), values);
        nativeThreads();
        httpPort();
        modelWatchInterval();
        maxThreadReplacements();
        foldBatchNorm();
        rolloutSettings();
    }

    /** Local development defaults: a broker and a registry on localhost, state under ./work. */
    public static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        d.put(StreamsConfig.APPLICATION_ID_CONFIG, "emostream-app");
        d.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        d.put(StreamsConfig.STATE_DIR_CONFIG, Path.of("work", "streams-state").toString());
        // The classifier hands partial batches to the model and forwards finished ones between polls
        // (MicroBatchClassifier): an empty poll blocking for Streams' default 100 ms would hold a finished batch's
        // events that long. Polls return as soon as records arrive, so this only costs empty polls when idle; 5 ms
        // against 10 took half-load p50 from 94 to 79 ms (with the 1 ms idle gap, docs/BENCHMARKS.md).
        d.put(StreamsConfig.POLL_MS_CONFIG, "5");
        // Under exactly-once an event is visible only when its transaction commits. Live frames ask for their commit
        // as soon as their batch is out (classifier.live.commit.ms); this interval paces frames behind a backlog,
        // already late: one transaction a second, and a frame classified within it never reaches the frame
        // buffer's RocksDB or, but for a tombstone, its changelog (docs/BENCHMARKS.md: the broker's cost per frame
        // 126 -> 81 us against 100 ms).
        d.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        d.put(SchemaRegistryClientConfig.URL, "http://localhost:8081");
        d.put(INPUT_PATTERN, TopologySettings.DEFAULT_INPUT_PATTERN);
        d.put(EMOTIONS_TOPIC, TopologySettings.DEFAULT_EMOTIONS_TOPIC);
        d.put(ACCURACY_TOPIC, TopologySettings.DEFAULT_ACCURACY_TOPIC);
        d.put(REJECTED_TOPIC, TopologySettings.DEFAULT_REJECTED_TOPIC);
        d.put(BATCH_SIZE, String.valueOf(TopologySettings.DEFAULT_BATCH_SIZE));
        d.put(BATCH_MAX_WAIT_MS, String.valueOf(TopologySettings.DEFAULT_BATCH_MAX_WAIT.toMillis()));
        d.put(BATCH_IDLE_MS, String.valueOf(TopologySettings.DEFAULT_BATCH_IDLE_GAP.toMillis()));
        d.put(BATCH_BACKLOG_MS, String.valueOf(TopologySettings.DEFAULT_BATCH_BACKLOG_LAG.toMillis()));
        d.put(BATCH_LINGER_MS, String.valueOf(TopologySettings.DEFAULT_BATCH_LINGER.toMillis()));
        d.put(LATENCY_TARGET_MS, String.valueOf(TopologySettings.DEFAULT_LATENCY_TARGET.toMillis()));
        d.put(LIVE_COMMIT_MS, String.valueOf(TopologySettings.DEFAULT_LIVE_COMMIT_GAP.toMillis()));
        d.put(COMMIT_BACKLOG_MS, String.valueOf(TopologySettings.DEFAULT_COMMIT_BACKLOG_LAG.toMillis()));
        d.put(BATCHES_IN_FLIGHT, String.valueOf(TopologySettings.DEFAULT_BATCHES_IN_FLIGHT));
        d.put(BATCHES_WAITING, String.valueOf(TopologySettings.DEFAULT_BATCHES_WAITING));
        d.put(FRAME_MIN_SIZE, String.valueOf(TopologySettings.DEFAULT_MIN_SIZE));
        d.put(FRAME_MAX_SIZE, String.valueOf(TopologySettings.DEFAULT_MAX_SIZE));
        d.put(IMAGE_MAX_BYTES, String.valueOf(ImageLimits.DEFAULT_MAX_BYTES));
        d.put(IMAGE_MAX_SIZE, String.valueOf(ImageLimits.DEFAULT_MAX_SIZE));
        d.put(IMAGE_MAX_PIXELS, String.valueOf(ImageLimits.DEFAULT_MAX_PIXELS));
        d.put(MODEL_PATH, ModelLocator.defaultModelsFolder().toString());
        d.put(MODEL_WATCH_INTERVAL_MS, "5000");
        d.put(MODEL_FOLD_BATCH_NORM, "true");
        d.put(HTTP_HOST, "127.0.0.1");
        d.put(HTTP_PORT, "8080");
        d.put(MAX_THREAD_REPLACEMENTS, "5");
        RolloutSettings r = RolloutSettings.defaults();
        d.put(MODEL_SOURCE, SOURCE_FOLDER);
        d.put(ROLLOUT_TOPIC, r.controlTopic());
        d.put(SHADOW_TOPIC, r.shadowTopic());
        d.put(SHADOW_SHARE, String.valueOf(r.shadowShare()));
        d.put(SHADOW_YIELD, String.valueOf(r.shadowYield()));
        d.put(ROLLOUT_MIN_LABELED, String.valueOf(r.minLabeled()));
        d.put(ROLLOUT_MAX_LABELED, String.valueOf(r.maxLabeled()));
        d.put(ROLLOUT_ALPHA, String.valueOf(r.alpha()));
        d.put(ROLLOUT_MAX_DURATION_MS, String.valueOf(r.maxDuration().toMillis()));
        return d;
    }

    public String get(String key) {
        return values.get(key);
    }

    /** Everything, sorted, for logging: secrets masked ({@link SecretRedactor}). */
    public Map<String, String> redacted() {
        return SecretRedactor.redact(values);
    }

    /** The properties for {@code KafkaStreams}: everything but the app's own keys. */
    public Properties streamsProperties() {
        Properties p = new Properties();
        values.forEach((k, v) -> {
            if (!APP_KEYS.contains(k)) {
                p.put(k, v);
            }
        });
        return p;
    }

    /**
     * For the schema-registry client and every Avro serde the app makes: they read Confluent's keys
     * ({@code schema.registry.url}, {@code basic.auth.*}, {@code bearer.auth.*}, {@code auto.register.schemas},
     * {@code value.subject.name.strategy}, {@code use.latest.version}, ...) and ignore the others.
     */
    public Map<String, String> registryProperties() {
        return values;
    }

    public TopologySettings settings() {
        Pattern pattern;
        try {
            pattern = Pattern.compile(values.get(INPUT_PATTERN));
        } catch (PatternSyntaxException | NullPointerException e) {
            throw new ConfigException(INPUT_PATTERN, values.get(INPUT_PATTERN), "not a regular expression");
        }
        return new TopologySettings(pattern, required(EMOTIONS_TOPIC), required(ACCURACY_TOPIC),
                required(REJECTED_TOPIC), intValue(BATCH_SIZE), Duration.ofMillis(longValue(BATCH_MAX_WAIT_MS)),
                Duration.ofMillis(longValue(BATCH_IDLE_MS)), Duration.ofMillis(longValue(BATCH_BACKLOG_MS)),
                Duration.ofMillis(longValue(BATCH_LINGER_MS)), Duration.ofMillis(longValue(LATENCY_TARGET_MS)),
                Duration.ofMillis(longValue(LIVE_COMMIT_MS)), Duration.ofMillis(longValue(COMMIT_BACKLOG_MS)),
                intValue(BATCHES_IN_FLIGHT), intValue(BATCHES_WAITING),
                intValue(FRAME_MIN_SIZE), intValue(FRAME_MAX_SIZE));
    }

    /** Native threads per forward pass: by default the cores shared evenly by the batches in flight. */
    public int nativeThreads() {
        String v = values.get(NATIVE_THREADS);
        int threads = v == null || v.isBlank()
                ? NativeThreads.evenShare(intValue(BATCHES_IN_FLIGHT)) : intValue(NATIVE_THREADS);
        if (threads < 1) {
            throw new ConfigException(NATIVE_THREADS, threads, "must be >= 1");
        }
        return threads;
    }

    public Path modelPath() {
        return Path.of(required(MODEL_PATH));
    }

    public Duration modelWatchInterval() {
        long ms = longValue(MODEL_WATCH_INTERVAL_MS);
        if (ms < 0) {
            throw new ConfigException(MODEL_WATCH_INTERVAL_MS, ms, "must be >= 0 (0 turns watching off)");
        }
        return Duration.ofMillis(ms);
    }

    /** Whether models come from the control topic ({@code model.source=topic}) rather than the folder. */
    public boolean modelsFromTopic() {
        String v = required(MODEL_SOURCE);
        if (!v.equals(SOURCE_FOLDER) && !v.equals(SOURCE_TOPIC)) {
            throw new ConfigException(MODEL_SOURCE, v, "must be " + SOURCE_FOLDER + " or " + SOURCE_TOPIC);
        }
        return v.equals(SOURCE_TOPIC);
    }

    /** The control topic, shadowing and decision rule; read in both modes (the {@code models} commands need them). */
    public RolloutSettings rolloutSettings() {
        modelsFromTopic();
        double share = doubleValue(SHADOW_SHARE);
        double alpha = doubleValue(ROLLOUT_ALPHA);
        try {
            return new RolloutSettings(required(ROLLOUT_TOPIC), required(SHADOW_TOPIC), share,
                    booleanValue(SHADOW_YIELD, "true"), longValue(ROLLOUT_MIN_LABELED), longValue(ROLLOUT_MAX_LABELED), alpha,
                    Duration.ofMillis(longValue(ROLLOUT_MAX_DURATION_MS)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("rollout settings (" + SHADOW_SHARE + ", " + ROLLOUT_MIN_LABELED + ", "
                    + ROLLOUT_MAX_LABELED + ", " + ROLLOUT_ALPHA + ", " + ROLLOUT_MAX_DURATION_MS + "): " + e.getMessage());
        }
    }

    public boolean foldBatchNorm() {
        return booleanValue(MODEL_FOLD_BATCH_NORM, "true");
    }

    private boolean booleanValue(String key, String byDefault) {
        String v = values.getOrDefault(key, byDefault).trim();
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new ConfigException(key, v, "must be true or false");
        }
        return Boolean.parseBoolean(v);
    }

    public int maxThreadReplacements() {
        int n = intValue(MAX_THREAD_REPLACEMENTS);
        if (n < 0) {
            throw new ConfigException(MAX_THREAD_REPLACEMENTS, n, "must be >= 0");
        }
        return n;
    }

    public String httpHost() {
        return required(HTTP_HOST);
    }

    /** 0 picks a free port; -1 turns HTTP off. */
    public int httpPort() {
        int port = intValue(HTTP_PORT);
        if (port < -1 || port > 65535) {
            throw new ConfigException(HTTP_PORT, port, "must be a port 0..65535, or -1 for no HTTP");
        }
        return port;
    }

    private String required(String key) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            throw new ConfigException(key, v, "is required");
        }
        return v.trim();
    }

    private int intValue(String key) {
        String v = required(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "not an integer");
        }
    }

    private double doubleValue(String key) {
        String v = required(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "not a number");
        }
    }

    private long longValue(String key) {
        String v = required(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "not an integer");
        }
    }
}

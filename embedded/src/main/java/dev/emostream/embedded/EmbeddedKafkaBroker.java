package dev.emostream.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A single-node Kafka 4 cluster (one KRaft process acting as broker and controller) inside this JVM, for
 * the demo: formatted with {@code kafka.tools.StorageTool}, run by {@code kafka.server.KafkaRaftServer},
 * listening on free localhost ports, its data in a temporary directory deleted on {@link #close()}.
 * Configured by {@link SingleNodeConfig} so transactions (exactly_once_v2) work on one node.
 *
 * <p>Tests use the JUnit extension in {@code dev.emostream.embedded.junit} instead, which shares one broker
 * per test JVM; a test that needs secured listeners starts its own with {@link #start(Map, List)}.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final Path dir;
    private final String bootstrapServers;
    private final Map<String, String> listenerBootstraps;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path dir, String bootstrapServers,
                                Map<String, String> listenerBootstraps) {
        this.server = server;
        this.dir = dir;
        this.bootstrapServers = bootstrapServers;
        this.listenerBootstraps = Map.copyOf(listenerBootstraps);
        // the broker's threads are not daemons: without this an interrupted demo would hang on exit
        this.shutdownHook = new Thread(this::stop, "embedded-kafka-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static EmbeddedKafkaBroker start() {
        return start(Map.of());
    }

    /** Starts with {@link SingleNodeConfig#brokerDefaults()} plus {@code overrides} (any broker setting). */
    public static EmbeddedKafkaBroker start(Map<String, String> overrides) {
        return start(overrides, List.of());
    }

    /**
     * Starts with {@code overrides} and, beside the PLAINTEXT listener, the {@code extraListeners} (each on a free
     * port of its own, reached through {@link #bootstrapServers(String)}).
     */
    public static EmbeddedKafkaBroker start(Map<String, String> overrides, List<ExtraListener> extraListeners) {
        RuntimeException failure = null;
        // free ports can be taken between choosing and binding them: try again with new ones
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path dir = createTempDir();
            try {
                return startIn(dir, overrides, extraListeners);
            } catch (RuntimeException e) {
                deleteRecursively(dir);
                failure = e;
                log.warn("embedded Kafka failed to start (attempt {}/{}): {}", attempt, START_ATTEMPTS, e.toString());
            }
        }
        throw new IllegalStateException("embedded Kafka did not start after " + START_ATTEMPTS + " attempts", failure);
    }

    /** {@code localhost:PORT} of the PLAINTEXT listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@code localhost:PORT} of the extra listener named {@code listenerName}. */
    public String bootstrapServers(String listenerName) {
        String bootstrap = listenerBootstraps.get(listenerName.toUpperCase(Locale.ROOT));
        if (bootstrap == null) {
            throw new IllegalArgumentException("no listener " + listenerName + "; this broker has "
                    + listenerBootstraps.keySet());
        }
        return bootstrap;
    }

    /** The temporary directory holding the broker's data and metadata logs. */
    public Path dataDirectory() {
        return dir;
    }

    /** Creates a topic with replication factor 1; an existing topic is left as it is. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    /** Stops the broker and deletes its data. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook has run or will find nothing to do
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers + "]";
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("embedded Kafka did not shut down cleanly: {}", e.toString());
        } finally {
            deleteRecursively(dir);
        }
    }

    private static EmbeddedKafkaBroker startIn(Path dir, Map<String, String> overrides,
                                               List<ExtraListener> extraListeners) {
        int brokerPort = FreePorts.next();
        int controllerPort = FreePorts.next();
        StringBuilder listeners = new StringBuilder("PLAINTEXT://localhost:" + brokerPort);
        StringBuilder advertised = new StringBuilder("PLAINTEXT://localhost:" + brokerPort);
        StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        Map<String, String> listenerBootstraps = new LinkedHashMap<>();
        Map<String, String> listenerSettings = new HashMap<>();
        for (ExtraListener extra : extraListeners) {
            String address = "localhost:" + FreePorts.next();
            listeners.append(',').append(extra.name()).append("://").append(address);
            advertised.append(',').append(extra.name()).append("://").append(address);
            protocols.append(',').append(extra.name()).append(':').append(extra.securityProtocol());
            listenerBootstraps.put(extra.name(), address);
            listenerSettings.putAll(extra.brokerSettings());
        }
        Map<String, String> props = new HashMap<>(SingleNodeConfig.brokerDefaults());
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        props.put("listeners", listeners + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", advertised.toString());
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", protocols.toString());
        props.put("log.dirs", dir.resolve("data").toString());
        props.putAll(listenerSettings);
        props.putAll(overrides);

        Path configFile = dir.resolve("server.properties");
        Properties p = new Properties();
        p.putAll(props);
        try (OutputStream out = Files.newOutputStream(configFile)) {
            p.store(out, "embedded Kafka (dev.emostream.embedded.EmbeddedKafkaBroker)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        // a static voter set (controller.quorum.voters) needs no --standalone / --initial-controllers
        ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(formatOutput, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {
                "format", "--cluster-id", Uuid.randomUuid().toString(), "--config", configFile.toString()}, ps);
        }
        if (rc != 0) {
            throw new IllegalStateException("kafka-storage format failed (" + rc + "): " + formatOutput.toString(StandardCharsets.UTF_8));
        }

        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            shutdownQuietly(server);
            throw e;
        }
        String bootstrap = "localhost:" + brokerPort;
        try {
            awaitReady(bootstrap);
        } catch (RuntimeException e) {
            shutdownQuietly(server);
            throw e;
        }
        log.info("embedded Kafka ready at {}{} (data in {})", bootstrap,
                listenerBootstraps.isEmpty() ? "" : ", " + listenerBootstraps, dir);
        return new EmbeddedKafkaBroker(server, dir, bootstrap, listenerBootstraps);
    }

    private static void awaitReady(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis()))) {
            int nodes = admin.describeCluster().nodes().get().size();
            if (nodes < 1) {
                throw new IllegalStateException("embedded Kafka at " + bootstrap + " reports no brokers");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("embedded Kafka at " + bootstrap + " did not become ready: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
        }
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException ignored) {
            // startup already failed; that failure is the one to report
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("emostream-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for embedded Kafka", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    log.debug("cannot delete {}: {}", path, e.toString());
                }
            });
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", dir, e.toString());
        }
    }
}

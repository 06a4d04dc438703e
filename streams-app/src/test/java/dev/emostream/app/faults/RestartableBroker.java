package dev.emostream.app.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import dev.emostream.embedded.SingleNodeConfig;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A KRaft node (broker and controller in one process) that can be stopped and started again on the same ports with
 * the same data, as a broker restart in production: clients keep their bootstrap address and reconnect. Alone it is
 * a cluster of one ({@link #RestartableBroker(Path)}); three of them with one voter set are
 * {@link ThreeBrokerCluster}. {@code EmbeddedKafkaBroker} deletes its data on close and the shared test broker must
 * not go away, hence this.
 *
 * <p>Why a child process and not a server object in the test's JVM: a restart then is what it is in production, a
 * new broker process; {@link #stop()} is SIGTERM, so the broker shuts down cleanly as under a service manager, and
 * {@link #kill()} is SIGKILL, a broker dying with no shutdown at all, which an in-JVM server cannot do. And the
 * test's JVM holds only the app and the test: the soak measures the app's heap, not the heap of a broker whose
 * stopped instance may leave state in process-wide registries (in one JVM the soak's live heap stepped up by
 * 30-60 MiB at the restart and stayed there).
 */
final class RestartableBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);

    /** Where one node listens: its client (PLAINTEXT) and controller ports, fixed for its lifetime. */
    record Address(int nodeId, int brokerPort, int controllerPort) {

        static Address free(int nodeId) throws IOException {
            return new Address(nodeId, freePort(), freePort());
        }

        String voter() {
            return nodeId + "@localhost:" + controllerPort;
        }

        String bootstrap() {
            return "localhost:" + brokerPort;
        }
    }

    private final Address address;
    private final List<String> jvmOptions;
    private final Path configFile;
    private final Path logFile;
    private Process process;

    /** A cluster of one: this node is the only broker and the only controller. */
    RestartableBroker(Path dir) throws IOException {
        this(dir, Address.free(1), List.of(), Uuid.randomUuid().toString(), SingleNodeConfig.brokerDefaults(),
                List.of("-Xmx512m"));
    }

    /**
     * One node of a cluster whose voters (every node: combined broker and controller) are {@code address} and
     * {@code others}, formatted with {@code clusterId}, with {@code settings} (replication and the like) on top of
     * the listeners; its process runs with {@code jvmOptions}.
     */
    RestartableBroker(Path dir, Address address, List<Address> others, String clusterId, Map<String, String> settings,
                      List<String> jvmOptions) throws IOException {
        Files.createDirectories(dir);
        this.address = address;
        this.jvmOptions = List.copyOf(jvmOptions);
        StringBuilder voters = new StringBuilder(address.voter());
        others.forEach(o -> voters.append(',').append(o.voter()));
        Map<String, String> props = new HashMap<>(settings);
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(address.nodeId()));
        props.put("controller.quorum.voters", voters.toString());
        props.put("listeners", "PLAINTEXT://localhost:" + address.brokerPort() + ",CONTROLLER://localhost:"
                + address.controllerPort());
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + address.brokerPort());
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dir.resolve("data").toString());
        configFile = dir.resolve("server.properties");
        logFile = dir.resolve("broker.log");
        Properties p = new Properties();
        p.putAll(props);
        try (OutputStream out = Files.newOutputStream(configFile)) {
            p.store(out, "RestartableBroker");
        }
        // a static voter set (controller.quorum.voters) needs no --standalone / --initial-controllers
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[]{"format", "--cluster-id", clusterId, "--config",
                    configFile.toString()}, ps);
        }
        if (rc != 0) {
            throw new IllegalStateException("format failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    int nodeId() {
        return address.nodeId();
    }

    String bootstrapServers() {
        return address.bootstrap();
    }

    Path logFile() {
        return logFile;
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Starts the broker process and returns once it accepts connections (in a cluster that is not yet "back in
     * sync": {@link ThreeBrokerCluster#awaitFullyReplicated} waits for that).
     */
    synchronized void start() throws IOException, InterruptedException {
        if (process != null) {
            throw new IllegalStateException("broker " + nodeId() + " already running");
        }
        process = FaultSupport.childJvm(jvmOptions, RestartableBroker.class, configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(address.brokerPort())) {
            if (!process.isAlive()) {
                process = null;
                throw new IllegalStateException("broker " + nodeId() + " exited at start; see " + logFile);
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException("broker " + nodeId() + " not listening after " + START_TIMEOUT
                        + "; see " + logFile);
            }
            Thread.sleep(100);
        }
    }

    /** SIGTERM, so the broker shuts down cleanly (a controlled shutdown); killed if it has not within a minute. */
    synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        process = null;
    }

    /** SIGKILL: the broker dies as its machine would, no controlled shutdown, nothing flushed. */
    synchronized void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        process = null;
    }

    void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    @Override
    public String toString() {
        return "broker " + nodeId() + " (" + bootstrapServers() + ")";
    }

    /** The broker process: runs the node configured in {@code args[0]} until SIGTERM. */
    public static void main(String[] args) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            p.load(in);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(p, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "broker-shutdown"));
        server.startup();
        server.awaitShutdown();
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

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
 * A single KRaft node (broker and controller) that can be stopped and started again on the same ports with the
 * same data, as a broker restart in production: clients keep their bootstrap address and reconnect.
 * {@code EmbeddedKafkaBroker} deletes its data on close and the shared test broker must not go away, hence this.
 *
 * <p>Why a child process and not a server object in the test's JVM: a restart then is what it is in production, a
 * new broker process (stop is SIGTERM, so the broker shuts down cleanly as under a service manager), and the test's
 * JVM holds only the app and the test: the soak measures the app's heap, not the heap of a broker whose stopped
 * instance may leave state in process-wide registries (in one JVM the soak's live heap stepped up by 30-60 MiB at
 * the restart and stayed there).
 */
final class RestartableBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);

    private final String bootstrap;
    private final Path configFile;
    private final Path logFile;
    private Process process;

    RestartableBroker(Path dir) throws IOException {
        Files.createDirectories(dir);
        int brokerPort = freePort();
        int controllerPort = freePort();
        Map<String, String> props = new HashMap<>(SingleNodeConfig.brokerDefaults());
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        props.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dir.resolve("data").toString());
        bootstrap = "localhost:" + brokerPort;
        configFile = dir.resolve("server.properties");
        logFile = dir.resolve("broker.log");
        Properties p = new Properties();
        p.putAll(props);
        try (OutputStream out = Files.newOutputStream(configFile)) {
            p.store(out, "RestartableBroker");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[]{"format", "--cluster-id", Uuid.randomUuid().toString(),
                    "--config", configFile.toString()}, ps);
        }
        if (rc != 0) {
            throw new IllegalStateException("format failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    String bootstrapServers() {
        return bootstrap;
    }

    /** Starts the broker process and returns once it accepts connections. */
    synchronized void start() throws IOException, InterruptedException {
        if (process != null) {
            throw new IllegalStateException("broker already running");
        }
        process = FaultSupport.childJvm(List.of("-Xmx512m"), RestartableBroker.class, configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(bootstrap)) {
            if (!process.isAlive()) {
                process = null;
                throw new IllegalStateException("broker process exited at start; see " + logFile);
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException("broker not listening after " + START_TIMEOUT + "; see " + logFile);
            }
            Thread.sleep(100);
        }
    }

    /** SIGTERM, so the broker shuts down cleanly; killed if it has not within a minute. */
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

    void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
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

    private static boolean accepts(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostPort.substring(0, colon),
                    Integer.parseInt(hostPort.substring(colon + 1))), 1000);
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

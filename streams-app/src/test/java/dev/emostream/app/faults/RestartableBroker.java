package dev.emostream.app.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

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
 */
final class RestartableBroker implements AutoCloseable {

    private final Map<String, String> props;
    private final String bootstrap;
    private KafkaRaftServer server;

    RestartableBroker(Path dir) throws IOException {
        Files.createDirectories(dir);
        int brokerPort = freePort();
        int controllerPort = freePort();
        props = new HashMap<>(SingleNodeConfig.brokerDefaults());
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
        Path configFile = dir.resolve("server.properties");
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

    synchronized void start() {
        server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
    }

    synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

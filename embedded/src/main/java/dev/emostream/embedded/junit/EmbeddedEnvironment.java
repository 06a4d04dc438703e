package dev.emostream.embedded.junit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.embedded.EmbeddedSchemaRegistry;
import dev.emostream.embedded.SingleNodeConfig;

/**
 * One real Kafka broker (single combined KRaft node, {@link KafkaClusterTestKit}) and one real schema
 * registry ({@link EmbeddedSchemaRegistry}), as handed to tests by {@link KafkaTestEnvironment}.
 */
public final class EmbeddedEnvironment implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedEnvironment.class);

    private final KafkaClusterTestKit cluster;
    private final EmbeddedSchemaRegistry registry;
    private final Admin admin;

    private EmbeddedEnvironment(KafkaClusterTestKit cluster, EmbeddedSchemaRegistry registry) {
        this.cluster = cluster;
        this.registry = registry;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }

    /** Starts both; the registry (a child JVM) boots while the broker formats and starts. */
    static EmbeddedEnvironment start() {
        long t0 = System.nanoTime();
        CompletableFuture<EmbeddedSchemaRegistry> registry = CompletableFuture.supplyAsync(EmbeddedSchemaRegistry::start);
        KafkaClusterTestKit cluster;
        try {
            cluster = startCluster();
        } catch (RuntimeException e) {
            registry.thenAccept(EmbeddedSchemaRegistry::close);
            throw e;
        }
        try {
            EmbeddedEnvironment env = new EmbeddedEnvironment(cluster, registry.join());
            log.info("test environment ready in {} ms: Kafka {}, schema registry {}",
                    (System.nanoTime() - t0) / 1_000_000, env.bootstrapServers(), env.registryUrl());
            return env;
        } catch (CompletionException e) {
            closeQuietly(cluster);
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static KafkaClusterTestKit startCluster() {
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    // the test kit defaults to the newest *unstable* metadata version; test what production runs
                    .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
            SingleNodeConfig.brokerDefaults().forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return cluster;
        } catch (Exception e) {
            if (cluster != null) {
                closeQuietly(cluster);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot start the embedded Kafka cluster: " + e, e);
        }
    }

    /** {@code localhost:PORT} of the broker. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Confluent-compatible API of the registry: {@code http://localhost:PORT/apis/ccompat/v7}. */
    public String registryUrl() {
        return registry.url();
    }

    /** The registry server root, {@code http://localhost:PORT}. */
    public String registryBaseUrl() {
        return registry.baseUrl();
    }

    public EmbeddedSchemaRegistry registry() {
        return registry;
    }

    /** An admin client for the broker, owned by the environment: do not close it. */
    public Admin admin() {
        return admin;
    }

    /** Creates {@code name} (replication factor 1) unless it exists, and returns the name. */
    public String createTopic(String name, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
        return name;
    }

    /** {@code prefix} plus a random suffix: the broker is shared by every test of the run. */
    public String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Client properties with {@code bootstrap.servers} and {@code schema.registry.url} set, plus {@code extra}. */
    public Map<String, Object> clientProperties(Map<String, ?> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers());
        props.put("schema.registry.url", registryUrl());
        props.putAll(extra);
        return props;
    }

    @Override
    public void close() {
        admin.close();
        closeQuietly(cluster);
        registry.close();
        log.info("test environment stopped");
    }

    private static void closeQuietly(KafkaClusterTestKit cluster) {
        try {
            cluster.close();
        } catch (Exception e) {
            log.warn("embedded Kafka cluster did not close cleanly: {}", e.toString());
        }
    }
}

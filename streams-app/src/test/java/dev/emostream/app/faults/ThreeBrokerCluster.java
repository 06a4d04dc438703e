package dev.emostream.app.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.embedded.SingleNodeConfig;

/**
 * Three KRaft nodes, each a {@link RestartableBroker} child process that is both broker and controller: the
 * controller quorum is the three of them (static voters), so the active controller is one of the brokers, a broker
 * that goes away may take the controller with it, and two of three down is a quorum lost as well as replicas lost.
 * Every topic is replicated three times with {@code min.insync.replicas=2}, the internal ones too
 * ({@code __consumer_offsets}, {@code __transaction_state}): the production shape Kafka's own Streams broker-bounce
 * system test runs against. Failure detection is Kafka's default ({@code broker.session.timeout.ms} 9 s), so the
 * gaps measured against it are the gaps a default cluster gives.
 */
final class ThreeBrokerCluster implements AutoCloseable {

    static final int SIZE = 3;
    static final short REPLICATION = 3;
    static final int MIN_INSYNC = 2;

    private static final Logger LOG = LoggerFactory.getLogger(ThreeBrokerCluster.class);
    private static final Duration ANSWER = Duration.ofSeconds(10);
    /**
     * Three brokers, the app and the test share the build machine's two cores: a broker that compiles with C1 only
     * starts in about 10 s instead of 13-17 (a bounce series restarts forty times) and serves the tests' 50 frames a
     * second as well.
     */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC");

    private final List<RestartableBroker> nodes;
    private final String bootstrap;
    private final Admin admin;

    private ThreeBrokerCluster(List<RestartableBroker> nodes) {
        this.nodes = List.copyOf(nodes);
        this.bootstrap = nodes.stream().map(RestartableBroker::bootstrapServers).collect(Collectors.joining(","));
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ANSWER.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000));
    }

    /** Broker settings: {@link SingleNodeConfig}'s, with every replication factor 3 and every min ISR 2. */
    static Map<String, String> settings() {
        Map<String, String> s = SingleNodeConfig.brokerDefaults();
        s.put("offsets.topic.replication.factor", String.valueOf(REPLICATION));
        s.put("transaction.state.log.replication.factor", String.valueOf(REPLICATION));
        s.put("transaction.state.log.min.isr", String.valueOf(MIN_INSYNC));
        s.put("share.coordinator.state.topic.replication.factor", String.valueOf(REPLICATION));
        s.put("share.coordinator.state.topic.min.isr", String.valueOf(MIN_INSYNC));
        s.put("default.replication.factor", String.valueOf(REPLICATION));
        s.put("min.insync.replicas", String.valueOf(MIN_INSYNC));
        // every topic is created by the test with its replication, as in a deployment (docker-compose.yml)
        s.put("auto.create.topics.enable", "false");
        return s;
    }

    /** Formats three nodes in {@code dir}, starts them side by side and waits until every node is in sync. */
    static ThreeBrokerCluster start(Path dir) throws Exception {
        String clusterId = Uuid.randomUuid().toString();
        List<RestartableBroker.Address> addresses = new ArrayList<>();
        for (int id = 1; id <= SIZE; id++) {
            addresses.add(RestartableBroker.Address.free(id));
        }
        List<RestartableBroker> nodes = new ArrayList<>();
        for (RestartableBroker.Address a : addresses) {
            List<RestartableBroker.Address> others = addresses.stream().filter(o -> o != a).toList();
            nodes.add(new RestartableBroker(dir.resolve("broker-" + a.nodeId()), a, others, clusterId, settings(),
                    JVM_OPTIONS));
        }
        ThreeBrokerCluster cluster = new ThreeBrokerCluster(nodes);
        try {
            cluster.startStopped();
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** All three client addresses: a client reaches the cluster while any one node is up. */
    String bootstrapServers() {
        return bootstrap;
    }

    List<RestartableBroker> nodes() {
        return nodes;
    }

    RestartableBroker node(int id) {
        return nodes.stream().filter(n -> n.nodeId() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no broker " + id));
    }

    /** Starts every node that is not running, side by side, and waits until all are back in sync. */
    void startStopped() throws Exception {
        List<CompletableFuture<Void>> starts = nodes.stream().filter(n -> !n.isRunning())
                .map(n -> CompletableFuture.runAsync(() -> {
                    try {
                        n.start();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                })).toList();
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        awaitFullyReplicated(Duration.ofMinutes(2));
    }

    /**
     * Stops {@code broker} as {@code stop} says, starts it again and waits until it is back in sync: one bounce, as
     * an operator's rolling restart does it (the next broker only once the last has caught up). Logs how long each
     * step took.
     */
    void bounce(RestartableBroker broker, BrokerStop stop) throws Exception {
        long t0 = System.nanoTime();
        stop.apply(broker);
        long stopped = System.nanoTime();
        broker.start();
        long listening = System.nanoTime();
        awaitFullyReplicated(Duration.ofMinutes(2));
        long inSync = System.nanoTime();
        LOG.info("{} bounce of {}: stopped in {} ms, listening {} ms later, in sync {} ms after that", stop, broker,
                TimeUnit.NANOSECONDS.toMillis(stopped - t0), TimeUnit.NANOSECONDS.toMillis(listening - stopped),
                TimeUnit.NANOSECONDS.toMillis(inSync - listening));
    }

    /**
     * Creates {@code name} replicated on all three brokers (min ISR from the broker default, 2), every partition's
     * preferred leader {@code leader}: where a test wants to know which broker leads what before the first fault.
     */
    String createTopic(String name, int partitions, int leader) throws Exception {
        List<Integer> replicas = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            replicas.add((leader - 1 + i) % SIZE + 1);
        }
        Map<Integer, List<Integer>> assignment = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            assignment.put(p, replicas);
        }
        admin.createTopics(List.of(new NewTopic(name, assignment))).all().get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
        return name;
    }

    /** The broker leading {@code topic}'s partition {@code partition} now. */
    int leaderOf(String topic, int partition) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(ANSWER.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        TopicPartitionInfo p = d.partitions().get(partition);
        if (p.leader() == null || p.leader().isEmpty()) {
            throw new IllegalStateException(topic + "-" + partition + " has no leader");
        }
        return p.leader().id();
    }

    /** The node leading the controller quorum (the active controller). */
    int activeController() throws Exception {
        return admin.describeMetadataQuorum().quorumInfo().get(ANSWER.toMillis(), TimeUnit.MILLISECONDS).leaderId();
    }

    /**
     * The broker coordinating the transactions of the first producer (by transactional id) whose transactional id
     * starts with {@code prefix}: Kafka Streams names its exactly-once producers {@code <application.id>-<process
     * id>-<thread>}, so the application id finds the app's.
     */
    int transactionCoordinator(String prefix) throws Exception {
        Collection<TransactionListing> all = listTransactions();
        String id = all.stream().map(TransactionListing::transactionalId).filter(t -> t.startsWith(prefix))
                .min(Comparator.naturalOrder())
                .orElseThrow(() -> new IllegalStateException("no transactional producer of " + prefix + " among "
                        + all.stream().map(TransactionListing::transactionalId).toList()));
        return admin.describeTransactions(List.of(id)).description(id).get(ANSWER.toMillis(), TimeUnit.MILLISECONDS)
                .coordinatorId();
    }

    /**
     * {@code Admin.listTransactions} asks every broker; right after a broker restart its answer now and then fails
     * in the client with {@code IllegalArgumentException: Unexpected key set: [BrokerKey(...)]}
     * ({@code ListTransactionsHandler}, Kafka 4.3.1), and the next call succeeds: asked again for up to 30 s.
     */
    private Collection<TransactionListing> listTransactions() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return admin.listTransactions().all().get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.info("listTransactions failed, asking again: {}", e.getCause().toString());
                Thread.sleep(500);
            }
        }
    }

    /**
     * Waits until all three brokers are registered and every partition of every topic, internal ones included, has
     * a leader and all three replicas in sync: a node that was restarted has caught up, so stopping another one
     * next keeps every partition at {@code min.insync.replicas} or above.
     */
    void awaitFullyReplicated(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            try {
                int brokers = admin.describeCluster().nodes().get(ANSWER.toMillis(), TimeUnit.MILLISECONDS).size();
                List<String> lagging = new ArrayList<>();
                for (TopicDescription d : describeAll().values()) {
                    for (TopicPartitionInfo p : d.partitions()) {
                        if (p.leader() == null || p.leader().isEmpty() || p.isr().size() < p.replicas().size()) {
                            lagging.add(d.name() + "-" + p.partition() + " isr " + p.isr().stream()
                                    .map(n -> n.id()).toList());
                        }
                    }
                }
                if (brokers == SIZE && lagging.isEmpty()) {
                    return;
                }
                last = brokers + " brokers registered; not in sync: "
                        + lagging.subList(0, Math.min(5, lagging.size())) + (lagging.size() > 5 ? "..." : "");
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("cluster not fully replicated within " + timeout + ": " + last);
    }

    /**
     * Every topic's replication factor and effective {@code min.insync.replicas}, internal topics included, keyed by
     * topic name: what the app and the brokers made of the settings.
     */
    Map<String, Replication> replication() throws Exception {
        Map<String, TopicDescription> topics = describeAll();
        List<ConfigResource> resources = topics.keySet().stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                .get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
        return topics.values().stream().collect(Collectors.toMap(TopicDescription::name, d -> new Replication(
                d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0),
                Integer.parseInt(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, d.name()))
                        .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()))));
    }

    /** The smallest replica count among a topic's partitions, and its effective min ISR. */
    record Replication(int replicas, int minInsync) {
    }

    private Map<String, TopicDescription> describeAll() throws Exception {
        Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                .get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
        return admin.describeTopics(names).allTopicNames().get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Kills every node (the data goes with the test's temporary folder): no clean shutdown to wait for. */
    @Override
    public void close() throws InterruptedException {
        admin.close(Duration.ofSeconds(5));
        for (RestartableBroker n : nodes) {
            n.kill();
        }
        LOG.debug("three-broker cluster {} stopped", bootstrap);
    }
}

package dev.emostream.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.testing.ItSupport;
import dev.emostream.embedded.EmbeddedSchemaRegistry;
import dev.emostream.model.csv.Fer2013Row;

/**
 * Issue 30: more than one broker goes: two of three down at once (the controller quorum and every partition's
 * {@code min.insync.replicas} lost), and a rolling restart of all three. Two app instances; one cluster for the
 * class.
 */
@DisplayName("three brokers: two down, rolling restart")
class ThreeBrokerOutageFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(ThreeBrokerOutageFaultIT.class);
    /** Longer than the app producer's transaction timeout (10 s) and its request timeout (30 s). */
    private static final Duration TWO_DOWN = Duration.ofSeconds(40);
    private static final int INSTANCES = 2;

    @TempDir
    static Path dir;
    static ThreeBrokerCluster cluster;
    static EmbeddedSchemaRegistry registry;
    static List<Fer2013Row> faces;

    @BeforeAll
    static void startCluster() throws Exception {
        CompletableFuture<EmbeddedSchemaRegistry> registryStart = CompletableFuture.supplyAsync(
                EmbeddedSchemaRegistry::start);
        cluster = ThreeBrokerCluster.start(dir.resolve("cluster"));
        registry = registryStart.join();
        faces = ItSupport.rows(ItSupport.firstRows(dir, 2400));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @AfterEach
    void restoreCluster() throws Exception {
        cluster.startStopped();
    }

    @Test
    @DisplayName("two of three brokers killed for 40 s: the app waits without failing and goes on when one returns; "
            + "every frame id once on emotions, accuracy counts equal the frames' labels, nothing valid dead-lettered")
    void twoOfThreeDown() throws Exception {
        try (ClusterReplay replay = ClusterReplay.start(cluster, registry.url(), dir, "two-down", INSTANCES, faces)) {
            int controller = cluster.activeController();
            int inputLeader = cluster.leaderOf(replay.inputTopic(), 0);
            int other = inputLeader != controller ? inputLeader : controller % ThreeBrokerCluster.SIZE + 1;
            LOG.info("killing brokers {} (input leader) and {} (active controller) after {} events", other,
                    controller, replay.events());
            cluster.node(other).kill();
            cluster.node(controller).kill();
            long until = System.nanoTime() + TWO_DOWN.toNanos();
            while (System.nanoTime() < until) {
                replay.assertAppsAlive("two of three brokers down");
                assertThat(replay.threadsReplaced()).as("stream threads replaced while two brokers are down").isZero();
                FaultSupport.pause(1000);
            }
            LOG.info("starting broker {} again after {}; {} events so far", other, TWO_DOWN, replay.events());
            cluster.node(other).start();
            FaultCost cost = replay.finish("two of three brokers down (hard) for " + TWO_DOWN.toSeconds()
                    + " s, then one back");
            assertThat(cost.threadsReplaced()).as("stream threads replaced: the app waits, it does not fail").isZero();
        }
    }

    @Test
    @DisplayName("rolling restart of all three brokers, one at a time, each back in sync before the next: every "
            + "frame id once on emotions, accuracy counts equal the frames' labels, nothing valid dead-lettered")
    void rollingRestart() throws Exception {
        try (ClusterReplay replay = ClusterReplay.start(cluster, registry.url(), dir, "rolling", INSTANCES, faces)) {
            for (RestartableBroker broker : cluster.nodes()) {
                LOG.info("rolling restart: {} after {} events", broker, replay.events());
                cluster.bounce(broker, BrokerStop.CLEAN);
            }
            replay.finish("rolling restart of all three (clean)");
        }
    }
}

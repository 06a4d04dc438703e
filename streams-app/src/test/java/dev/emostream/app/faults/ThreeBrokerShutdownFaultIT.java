package dev.emostream.app.faults;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.testing.ItSupport;
import dev.emostream.embedded.EmbeddedSchemaRegistry;
import dev.emostream.model.csv.Fer2013Row;

/**
 * Issue 30: one broker of three goes away for good mid-replay, cleanly (SIGTERM) or hard (SIGKILL), whichever broker
 * leads the input, leads {@code emotions}, coordinates the app's transactions or is the active controller; the app
 * (one instance) goes on with two. One cluster for the class; the stopped broker is started again between
 * scenarios.
 */
@DisplayName("three brokers: one shut down for good")
class ThreeBrokerShutdownFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(ThreeBrokerShutdownFaultIT.class);

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

    static Stream<Arguments> matrix() {
        return Arrays.stream(BrokerRole.values())
                .flatMap(role -> Arrays.stream(BrokerStop.values()).map(stop -> Arguments.of(role, stop)));
    }

    @ParameterizedTest(name = "{1} shutdown of the {0}")
    @MethodSource("matrix")
    @DisplayName("the app goes on with two brokers: every frame id once on emotions, accuracy counts equal the "
            + "frames' labels, nothing valid dead-lettered; every topic replicated three times, min ISR 2")
    void oneBrokerGone(BrokerRole role, BrokerStop stop) throws Exception {
        try (ClusterReplay replay = ClusterReplay.start(cluster, registry.url(), dir, "sd-" + role.slug() + "-"
                + stop.slug(), 1, faces)) {
            replay.assertReplicated();
            int target = role.find(cluster, replay);
            LOG.info("{} shutdown of the {}: broker {} after {} events", stop, role, target, replay.events());
            stop.apply(cluster.node(target));
            replay.finish(stop + " shutdown of the " + role);
        }
    }
}

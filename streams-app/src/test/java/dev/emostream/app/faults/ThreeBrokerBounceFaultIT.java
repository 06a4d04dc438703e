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
 * Issue 30: five bounces in a row, clean or hard, of whichever broker is in the role at each bounce (leadership and
 * coordination move after each), the broker started again and back in sync before the next. Two app instances; one
 * cluster for the class.
 */
@DisplayName("three brokers: five bounces in a row")
class ThreeBrokerBounceFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(ThreeBrokerBounceFaultIT.class);
    private static final int BOUNCES = 5;
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

    static Stream<Arguments> matrix() {
        return Arrays.stream(BrokerRole.values())
                .flatMap(role -> Arrays.stream(BrokerStop.values()).map(stop -> Arguments.of(role, stop)));
    }

    @ParameterizedTest(name = "five {1} bounces of the {0}")
    @MethodSource("matrix")
    @DisplayName("every frame id once on emotions, accuracy counts equal the frames' labels, nothing valid "
            + "dead-lettered")
    void fiveBounces(BrokerRole role, BrokerStop stop) throws Exception {
        try (ClusterReplay replay = ClusterReplay.start(cluster, registry.url(), dir, "bn-" + role.slug() + "-"
                + stop.slug(), INSTANCES, faces)) {
            for (int bounce = 1; bounce <= BOUNCES; bounce++) {
                RestartableBroker target = cluster.node(role.find(cluster, replay));
                LOG.info("{} bounce {} of the {}: {} after {} events", stop, bounce, role, target, replay.events());
                cluster.bounce(target, stop);
            }
            replay.finish(BOUNCES + " " + stop + " bounces of the " + role);
        }
    }
}

package dev.emostream.app.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.emostream.app.testing.ItSupport;
import dev.emostream.embedded.EmbeddedSchemaRegistry;
import dev.emostream.model.csv.Fer2013Row;

/**
 * One three-broker cluster, one registry and the sample's faces for a {@code ThreeBroker*FaultIT} class
 * ({@code @RegisterExtension static}); a broker a scenario left stopped is started again after it.
 */
final class ThreeBrokerEnvironment implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private static final int FACES = 2400;

    private Path dir;
    private ThreeBrokerCluster cluster;
    private EmbeddedSchemaRegistry registry;
    private List<Fer2013Row> faces;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("three-brokers");
        CompletableFuture<EmbeddedSchemaRegistry> registryStart = CompletableFuture.supplyAsync(
                EmbeddedSchemaRegistry::start);
        cluster = ThreeBrokerCluster.start(dir.resolve("cluster"));
        registry = registryStart.join();
        faces = ItSupport.rows(ItSupport.firstRows(dir, FACES));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        cluster.startStopped();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (dir != null) {
            deleteTree(dir);
        }
    }

    ThreeBrokerCluster cluster() {
        return cluster;
    }

    /** A labeled replay of the faces through {@code instances} app instances, under names made from {@code run}. */
    ClusterReplay replay(String run, int instances) throws Exception {
        return ClusterReplay.start(cluster, registry.url(), dir, run, instances, faces);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

package dev.emostream.app.containers;

import java.nio.file.Path;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import dev.emostream.app.testing.DeployedImages;
import dev.emostream.app.testing.EndToEndScenario;
import dev.emostream.app.testing.TestCluster;

/**
 * The main end-to-end scenario against the images production runs: Apache Kafka and Confluent Schema Registry
 * (the default build runs it against the embedded broker and Apicurio). Profile {@code containers} only; skipped
 * where no Docker engine answers.
 */
@Testcontainers(disabledWithoutDocker = true)
@DisplayName("the app against Apache Kafka and Confluent Schema Registry containers")
class KafkaRegistryContainersIT {

    private static final Network NETWORK = Network.newNetwork();
    private static final int REGISTRY_PORT = 8081;

    // the extra listener is how the registry, on the same network, reaches the broker (as kafka:19092)
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(DeployedImages.KAFKA)
            .withNetwork(NETWORK)
            .withListener("kafka:19092");

    @Container
    static final GenericContainer<?> REGISTRY = new GenericContainer<>(DeployedImages.SCHEMA_REGISTRY)
            .withNetwork(NETWORK)
            .dependsOn(KAFKA)
            .withExposedPorts(REGISTRY_PORT)
            .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
            .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:" + REGISTRY_PORT)
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR", "1")
            .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));

    @TempDir
    Path dir;

    @Test
    @DisplayName("1,000 faces and 50 malformed records give exactly 1,000 events, 50 dead letters and trainer evaluate's counts")
    void facesEndToEnd() throws Exception {
        String registryUrl = "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(REGISTRY_PORT);
        EndToEndScenario.run(TestCluster.of(KAFKA.getBootstrapServers(), registryUrl), dir);
    }
}

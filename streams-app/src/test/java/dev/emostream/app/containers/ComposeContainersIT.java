package dev.emostream.app.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import dev.emostream.app.demo.RepositoryLayout;
import dev.emostream.app.testing.CliRun;
import dev.emostream.app.testing.ItSupport;

/**
 * A smoke test of the deployment: docker-compose.yml as it is (Kafka, the topic job, Confluent Schema Registry and
 * the app image built from the Dockerfile over this build's streams-app/target, serving models/), then a few hundred
 * faces replayed from the host with the CLI tools at their default addresses, as docs/DEMO_AND_DEPLOYMENT.md tells.
 * The compose file publishes fixed host ports (9092, 8081, 8080): it needs a local Docker engine with them free.
 */
@Testcontainers(disabledWithoutDocker = true)
@DisplayName("docker-compose.yml, started through Testcontainers")
class ComposeContainersIT {

    private static final int FACES = 300;

    @Container
    static final ComposeContainer COMPOSE = new ComposeContainer(composeFile())
            .withBuild(true)
            .waitingFor("schema-registry", Wait.forHealthcheck())
            .waitingFor("app", Wait.forHealthcheck())
            .withStartupTimeout(Duration.ofMinutes(5));

    @TempDir
    Path dir;

    @Test
    @DisplayName("300 faces replayed into faces.replay come back as a submission with one row per face")
    void replayAndSubmission() throws Exception {
        Path csv = ItSupport.firstRows(dir, FACES);
        CliRun replay = CliRun.of("replay", "--data", csv.toString(), "--max");
        assertThat(replay.code()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("replay: frames=" + FACES + " labeled=" + FACES + " malformed=0");

        Path submission = dir.resolve("submission.csv");
        CliRun scored = CliRun.of("submission", "--out", submission.toString(), "--expect", String.valueOf(FACES),
                "--timeout", "180");
        assertThat(scored.code()).as(scored.err()).isZero();
        assertThat(scored.out()).contains("submission: frames=" + FACES + " accuracy=");
        List<String> lines = Files.readAllLines(submission);
        assertThat(lines).hasSize(FACES + 1);
        assertThat(lines.get(0)).isEqualTo("id,emotion");
    }

    private static File composeFile() {
        return RepositoryLayout.find().root().resolve("docker-compose.yml").toFile();
    }
}

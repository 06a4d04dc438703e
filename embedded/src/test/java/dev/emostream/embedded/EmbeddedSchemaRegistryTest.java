package dev.emostream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EmbeddedSchemaRegistryTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    @DisplayName("starts Apicurio on a free port, answers the Confluent API, and stops the child process on close")
    void startsAnswersAndStops() throws Exception {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
        try {
            assertThat(registry.url()).isEqualTo("http://localhost:" + registry.port() + "/apis/ccompat/v7");
            HttpResponse<String> subjects = http.send(
                    HttpRequest.newBuilder(URI.create(registry.url() + "/subjects")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(subjects.statusCode()).isEqualTo(200);
            assertThat(subjects.body()).isEqualTo("[]");
            assertThat(registry.logFile()).exists();
        } finally {
            registry.close();
        }
        assertThat(registry.isRunning()).isFalse();
    }

    @Test
    @DisplayName("a missing registry application fails fast, saying how to build it")
    void missingApplication() {
        assertThatThrownBy(() -> EmbeddedSchemaRegistry.start(Path.of("no/such/quarkus-run.jar")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no/such/quarkus-run.jar")
                .hasMessageContaining("mvn -pl schema-registry package");
    }
}

package dev.emostream.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("ConfigLoader")
class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("defaults suit a local broker and registry, exactly once")
    void defaults() {
        AppConfig config = ConfigLoader.load(null, Map.of(), List.of());

        assertThat(config.streamsProperties()).containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("application.id", "emostream-app")
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("schema.registry.url", "http://localhost:8081");
        assertThat(config.httpHost()).isEqualTo("127.0.0.1");
    }

    @Test
    @DisplayName("models come from the folder unless model.source=topic; the rollout keys are checked at load time and "
            + "never reach Kafka")
    void rolloutKeys() {
        AppConfig defaults = ConfigLoader.load(null, Map.of(), List.of());
        assertThat(defaults.modelsFromTopic()).isFalse();
        assertThat(defaults.rolloutSettings()).isEqualTo(dev.emostream.app.rollout.RolloutSettings.defaults());
        AppConfig topic = ConfigLoader.load(null, Map.of(), List.of("model.source=topic", "rollout.shadow.share=0.25",
                "rollout.min.labeled=500", "rollout.max.labeled=4000", "rollout.shadow.yield=false"));
        assertThat(topic.modelsFromTopic()).isTrue();
        assertThat(topic.rolloutSettings().shadowShare()).isEqualTo(0.25);
        assertThat(defaults.rolloutSettings().shadowYield()).as("yields by default").isTrue();
        assertThat(topic.rolloutSettings().shadowYield()).isFalse();
        assertThat(topic.rolloutSettings().rule().looks()).containsExactly(500, 1000, 2000, 4000);
        assertThat(topic.streamsProperties()).doesNotContainKeys("model.source", "rollout.topic", "shadow.topic",
                "rollout.shadow.share", "rollout.shadow.yield");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("model.source=git")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("model.source");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("rollout.shadow.share=1.5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("shadow share");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("model.source=topic",
                "rollout.shadow.yield=sometimes"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("rollout.shadow.yield");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("rollout.min.labeled=900",
                "rollout.max.labeled=100"))).isInstanceOf(ConfigException.class).hasMessageContaining("min <= max");
    }

    @Test
    @DisplayName("one batch in flight per core, each on the cores shared evenly, unless set; 0 threads refused")
    void inferenceParallelism() {
        int cores = Runtime.getRuntime().availableProcessors();
        AppConfig defaults = ConfigLoader.load(null, Map.of(), List.of());
        assertThat(defaults.settings().batchesInFlight()).isEqualTo(cores);
        assertThat(defaults.nativeThreads()).isEqualTo(1);

        AppConfig one = ConfigLoader.load(null, Map.of(), List.of("classifier.batches.in.flight=1"));
        assertThat(one.nativeThreads()).isEqualTo(cores);
        assertThat(ConfigLoader.load(null, Map.of(), List.of("classifier.native.threads=3")).nativeThreads())
                .isEqualTo(3);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("classifier.native.threads=0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("classifier.native.threads");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("classifier.batches.in.flight=0")))
                .hasMessageContaining("batches in flight");
    }

    @Test
    @DisplayName("classifier.latency.target.ms sets the latency target, 70 ms unless set; 0 turns it off, below 0 is refused")
    void latencyTarget() {
        assertThat(ConfigLoader.load(null, Map.of(), List.of()).settings().latencyTarget())
                .isEqualTo(Duration.ofMillis(70));
        assertThat(ConfigLoader.load(null, Map.of(), List.of("classifier.latency.target.ms=0")).settings()
                .latencyTarget()).isZero();
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("classifier.latency.target.ms=-1")))
                .hasMessageContaining("latency target");
    }

    @Test
    @DisplayName("file, then environment, then --property: later wins")
    void layers() throws Exception {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\napplication.id=from-file\nclassifier.batch.size=8\n");

        AppConfig config = ConfigLoader.load(file,
                Map.of("EMOSTREAM_BOOTSTRAP_SERVERS", "env:9092", "EMOSTREAM_CLASSIFIER_BATCH_SIZE", "16"),
                List.of("classifier.batch.size=64"));

        assertThat(config.get("application.id")).isEqualTo("from-file");
        assertThat(config.get("bootstrap.servers")).isEqualTo("env:9092");
        assertThat(config.settings().batchSize()).isEqualTo(64);
    }

    @Test
    @DisplayName("EMOSTREAM_BOOTSTRAP_SERVERS names bootstrap.servers; launcher variables are not properties")
    void environmentRule() {
        assertThat(ConfigLoader.propertyName("EMOSTREAM_BOOTSTRAP_SERVERS")).isEqualTo("bootstrap.servers");
        assertThat(ConfigLoader.fromEnvironment(Map.of("EMOSTREAM_MODELS", "/m", "PATH", "/bin",
                "EMOSTREAM_HTTP_PORT", "9000"))).containsExactly(Map.entry("http.port", "9000"));
    }

    @Test
    @DisplayName("the app's own keys do not reach Kafka (our batch size is not the producer's)")
    void appKeysStayOut() {
        AppConfig config = ConfigLoader.load(null, Map.of(), List.of("classifier.batch.size=8"));

        assertThat(config.streamsProperties()).doesNotContainKeys("classifier.batch.size", "http.port", "model.path");
    }

    @Test
    @DisplayName("a malformed override or value is refused naming the key")
    void badValues() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("oops")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("oops");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("classifier.batch.size=many")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("classifier.batch.size");
    }
}

package dev.emostream.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.emostream.app.config.AppConfig;
import dev.emostream.app.config.ConfigLoader;
import dev.emostream.app.replay.ReplayCommand;
import dev.emostream.app.testing.DeployedImages;
import dev.emostream.schemas.registry.SchemaRegistryClientConfig;

/** docker-compose.yml must agree with the app's own configuration; no Docker needed, the YAML is read as data. */
@DisplayName("docker-compose.yml")
class ComposeFileTest {

    private static JsonNode compose;
    private static JsonNode services;
    private static final Map<String, String> DEFAULTS = AppConfig.defaults();

    @BeforeAll
    static void read() throws Exception {
        Path file = RepositoryLayout.rootAbove(Path.of("").toAbsolutePath()).orElseThrow().resolve("docker-compose.yml");
        compose = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        services = compose.get("services");
    }

    @Test
    @DisplayName("deploys by default the Kafka and schema registry images the Testcontainers tests run against")
    void imagesOfTheContainerTests() {
        assertThat(services.get("kafka").get("image").asText()).endsWith(":-" + DeployedImages.KAFKA + "}");
        assertThat(services.get("topics").get("image").asText()).endsWith(":-" + DeployedImages.KAFKA + "}");
        assertThat(services.get("schema-registry").get("image").asText())
                .endsWith(":-" + DeployedImages.SCHEMA_REGISTRY + "}");
    }

    @Test
    @DisplayName("has Kafka, the schema registry, a topic creator, the app and the trainer, with healthchecks")
    void services() {
        assertThat(names(services)).contains("kafka", "schema-registry", "topics", "app", "trainer");
        for (String s : List.of("kafka", "schema-registry", "app")) {
            assertThat(services.get(s).has("healthcheck")).as(s + " healthcheck").isTrue();
        }
        assertThat(services.get("app").get("depends_on").get("topics").get("condition").asText())
                .isEqualTo("service_completed_successfully");
        assertThat(services.get("trainer").get("profiles").get(0).asText()).isEqualTo("train");
    }

    @Test
    @DisplayName("every EMOSTREAM_ variable of the app names a real app, Streams or client property")
    void appEnvironmentNamesRealProperties() {
        Set<String> known = new java.util.HashSet<>(DEFAULTS.keySet());
        known.addAll(StreamsConfig.configDef().names());
        known.addAll(ConsumerConfig.configNames());
        known.addAll(ProducerConfig.configNames());
        known.add(SchemaRegistryClientConfig.URL);
        for (String property : appProperties().keySet()) {
            assertThat(known).as("EMOSTREAM_ variable for '" + property + "'").contains(property);
        }
    }

    @Test
    @DisplayName("the app uses the default topic names and input pattern, and the topic creator makes exactly those")
    void topics() {
        Map<String, String> app = appProperties();
        for (String key : List.of(AppConfig.EMOTIONS_TOPIC, AppConfig.ACCURACY_TOPIC, AppConfig.REJECTED_TOPIC,
                AppConfig.INPUT_PATTERN, StreamsConfig.APPLICATION_ID_CONFIG, StreamsConfig.PROCESSING_GUARANTEE_CONFIG)) {
            assertThat(app.get(key)).as(key).isEqualTo(DEFAULTS.get(key));
        }
        List<String> created = Arrays.asList(env("topics").get("TOPICS").split("\\s+"));
        assertThat(created).containsExactlyInAnyOrder(ReplayCommand.DEFAULT_TOPIC, DEFAULTS.get(AppConfig.EMOTIONS_TOPIC),
                DEFAULTS.get(AppConfig.ACCURACY_TOPIC), DEFAULTS.get(AppConfig.REJECTED_TOPIC));
        Pattern input = Pattern.compile(app.get(AppConfig.INPUT_PATTERN));
        assertThat(input.matcher(ReplayCommand.DEFAULT_TOPIC).matches()).as("the replay topic is an input").isTrue();
        assertThat(input.matcher(DEFAULTS.get(AppConfig.REJECTED_TOPIC)).matches()).as("the DLQ is no input").isFalse();
        assertThat(env("topics").get("BOOTSTRAP")).isEqualTo(app.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
    }

    @Test
    @DisplayName("host ports are the app's defaults, so the CLI on the host reaches Kafka, the registry and the app")
    void hostPortsMatchDefaults() {
        URI bootstrap = URI.create("kafka://" + DEFAULTS.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        assertThat(ports("kafka")).contains(bootstrap.getPort() + ":" + bootstrap.getPort());
        assertThat(env("kafka").get("KAFKA_ADVERTISED_LISTENERS")).contains("//" + bootstrap.getHost() + ":" + bootstrap.getPort());

        URI registry = URI.create(DEFAULTS.get(SchemaRegistryClientConfig.URL));
        assertThat(ports("schema-registry")).contains(registry.getPort() + ":" + registry.getPort());

        String http = DEFAULTS.get(AppConfig.HTTP_PORT);
        assertThat(appProperties().get(AppConfig.HTTP_PORT)).isEqualTo(http);
        assertThat(ports("app")).contains(http + ":" + http);
        assertThat(services.get("app").get("healthcheck").get("test").toString()).contains("localhost:" + http + "/health");
        assertThat(appProperties().get(AppConfig.HTTP_HOST)).as("reachable from outside the container").isEqualTo("0.0.0.0");
    }

    @Test
    @DisplayName("inside the network the app reaches Kafka's internal listener and the registry's listener")
    void internalAddresses() {
        Map<String, String> app = appProperties();
        String internal = Arrays.stream(env("kafka").get("KAFKA_ADVERTISED_LISTENERS").split(","))
                .filter(l -> l.startsWith(env("kafka").get("KAFKA_INTER_BROKER_LISTENER_NAME") + "://"))
                .map(l -> l.substring(l.indexOf("//") + 2)).findFirst().orElseThrow();
        assertThat(app.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo(internal);
        assertThat(env("schema-registry").get("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS")).endsWith("//" + internal);
        URI registry = URI.create(app.get(SchemaRegistryClientConfig.URL));
        assertThat(registry.getHost()).isEqualTo("schema-registry");
        assertThat(env("schema-registry").get("SCHEMA_REGISTRY_LISTENERS")).endsWith(":" + registry.getPort());
    }

    @Test
    @DisplayName("the app reads models from the folder the trainer writes, and keeps its state in a volume")
    void modelsAndState() {
        Map<String, String> app = appProperties();
        String models = app.get(AppConfig.MODEL_PATH);
        assertThat(volumes("app")).anySatisfy(v -> assertThat(v).startsWith("./models:" + models));
        List<String> trainerCommand = new ArrayList<>();
        services.get("trainer").get("command").forEach(n -> trainerCommand.add(n.asText()));
        String out = trainerCommand.get(trainerCommand.indexOf("--out") + 1);
        assertThat(volumes("trainer")).contains("./models:" + out);
        String state = app.get(StreamsConfig.STATE_DIR_CONFIG);
        assertThat(volumes("app")).anySatisfy(v -> assertThat(state).startsWith(v.substring(v.indexOf(':') + 1)));
        assertThat(names(compose.get("volumes"))).contains("kafka-data", "app-state");
    }

    /** The app's EMOSTREAM_* environment as property names, by the rule ConfigLoader applies. */
    private static Map<String, String> appProperties() {
        return ConfigLoader.fromEnvironment(env("app"));
    }

    private static Map<String, String> env(String service) {
        Map<String, String> out = new HashMap<>();
        services.get(service).get("environment").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static List<String> ports(String service) {
        List<String> out = new ArrayList<>();
        services.get(service).get("ports").forEach(p -> out.add(p.asText()));
        return out;
    }

    private static List<String> volumes(String service) {
        List<String> out = new ArrayList<>();
        services.get(service).get("volumes").forEach(v -> out.add(v.asText()));
        return out;
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}

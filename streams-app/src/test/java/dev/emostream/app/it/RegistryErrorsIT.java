package dev.emostream.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.cli.StreamsAppCli;
import dev.emostream.app.config.ConfigLoader;
import dev.emostream.app.testing.Frames;
import dev.emostream.app.testing.ItSupport;
import dev.emostream.app.testing.RegistryGate;
import dev.emostream.app.testing.TestModels;
import dev.emostream.app.topology.DeadLetterHeaders;
import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.embedded.junit.KafkaTestEnvironment;
import dev.emostream.schemas.AccuracySnapshot;
import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.AvroSerializer;
import picocli.CommandLine;

/**
 * Registry errors by kind, with the app on the real broker and registry (and {@link RegistryGate} for the answers
 * the embedded registry never gives): bad data is dead-lettered and the partition flows on; configuration errors
 * stop the app with the reason; registries that forbid registration or want a token work when configured for it.
 */
@ExtendWith(KafkaTestEnvironment.class)
@DisplayName("registry errors by kind, the app on a real broker and registry")
class RegistryErrorsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    static Path models;

    @TempDir
    Path dir;

    private static Path model;

    @BeforeAll
    static void writeModel() throws IOException {
        model = TestModels.write(models, "registry-errors", 11);
    }

    /** One app run's topics and properties; the output topics exist, with one partition each. */
    private record Run(String name, String input, Map<String, String> props) {
        List<String> overrides() {
            return props.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        }
    }

    private Run run(EmbeddedEnvironment env, String prefix, Map<String, String> extra) {
        String name = prefix + UUID.randomUUID().toString().substring(0, 6);
        String input = env.createTopic("faces." + name + "-cams", 1);
        Map<String, String> props = new java.util.HashMap<>(ItSupport.appProperties(env, name, dir.resolve("state"), model));
        props.putAll(extra);
        for (String topic : List.of(props.get("emotions.topic"), props.get("accuracy.topic"), props.get("rejected.topic"))) {
            env.createTopic(topic, 1);
        }
        return new Run(name, input, props);
    }

    private static FaceFrame frame(String id) {
        return Frames.frame(id, "cam-1", dev.emostream.model.Emotion.HAPPY, Emotion.HAPPY);
    }

    private static void send(EmbeddedEnvironment env, String topic, List<byte[]> values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = ItSupport.producer(env)) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topic, "cam-1".getBytes(), value)).get();
            }
        }
    }

    private static byte[] withSchemaId(byte[] confluentBytes, int id) {
        byte[] copy = confluentBytes.clone();
        ByteBuffer.wrap(copy).putInt(1, id);
        return copy;
    }

    /** A raw call to the registry's Confluent API; returns the parsed answer and insists on 200. */
    private static JsonNode registry(EmbeddedEnvironment env, String method, String path, Object body) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(env.registryUrl() + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json");
        req.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> r = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** FaceFrame's schema with the Emotion enum as a reference by name instead of defined inline; {@code mark} makes the text unique. */
    private static String faceFrameReferencingEmotion(String mark) throws IOException {
        ObjectNode schema = (ObjectNode) JSON.readTree(FaceFrame.getClassSchema().toString());
        for (JsonNode field : schema.get("fields")) {
            if (field.get("name").asText().equals("trueLabel")) {
                ((ArrayNode) field.get("type")).set(1, JSON.getNodeFactory().textNode(Emotion.getClassSchema().getFullName()));
            }
        }
        schema.put("emostream.test", mark);
        return JSON.writeValueAsString(schema);
    }

    private static int registerFaceFrameWithReference(EmbeddedEnvironment env, String subject, String emotionSubject)
            throws Exception {
        registry(env, "POST", "/subjects/" + emotionSubject + "/versions", Map.of("schema", Emotion.getClassSchema().toString()));
        return registry(env, "POST", "/subjects/" + subject + "/versions", Map.of(
                "schema", faceFrameReferencingEmotion(subject),
                "references", List.of(Map.of("name", Emotion.getClassSchema().getFullName(), "subject", emotionSubject,
                        "version", 1)))).get("id").asInt();
    }

    private static List<String> eventIds(List<ConsumerRecord<byte[], byte[]>> records, RestSchemaRegistryClient registry) {
        AvroDeserializer<EmotionEvent> reader = new AvroDeserializer<>(EmotionEvent.class, registry);
        List<String> ids = new ArrayList<>();
        records.forEach(r -> ids.add(reader.deserialize(r.topic(), r.value()).getFrameId()));
        return ids;
    }

    private static HttpResponse<String> get(EmotionStreamsApp app, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("a Protobuf-typed id and an unresolvable reference are dead-lettered with their reason; a resolvable reference decodes; the partition keeps flowing")
    void badSchemasAreDeadLettered(EmbeddedEnvironment env) throws Exception {
        Run run = run(env, "kinds", Map.of());
        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(env.registryUrl());
        AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(registry);
        int protobufId = registry(env, "POST", "/subjects/proto-" + run.name() + "-value/versions", Map.of(
                "schemaType", "PROTOBUF", "schema", "syntax = \"proto3\";\nmessage Face { string id = 1; }\n"))
                .get("id").asInt();
        int referencingId = registerFaceFrameWithReference(env, "refs-" + run.name() + "-value", "Emotion-" + run.name());
        int danglingId = registerFaceFrameWithReference(env, "gone-" + run.name() + "-value", "EmotionGone-" + run.name());
        registry(env, "DELETE", "/subjects/EmotionGone-" + run.name(), null);
        registry(env, "DELETE", "/subjects/EmotionGone-" + run.name() + "?permanent=true", null);

        send(env, run.input(), List.of(
                serializer.serialize(run.input(), frame("good-1")),
                withSchemaId(serializer.serialize(run.input(), frame("protobuf")), protobufId),
                serializer.serialize(run.input(), frame("good-2")),
                withSchemaId(serializer.serialize(run.input(), frame("referencing")), referencingId),
                withSchemaId(serializer.serialize(run.input(), frame("dangling")), danglingId),
                serializer.serialize(run.input(), frame("good-3"))));

        try (EmotionStreamsApp app = EmotionStreamsApp.create(ConfigLoader.load(null, Map.of(), run.overrides())).start();
             KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(env, run.props().get("emotions.topic"));
             KafkaConsumer<byte[], byte[]> dead = ItSupport.committedReader(env, run.props().get("rejected.topic"))) {
            List<ConsumerRecord<byte[], byte[]>> eventRecords = ItSupport.readAll(events, 4, Duration.ofMinutes(2),
                    Duration.ofSeconds(1));
            List<ConsumerRecord<byte[], byte[]>> deadRecords = ItSupport.readAll(dead, 2, Duration.ofSeconds(30),
                    Duration.ofSeconds(1));

            assertThat(eventIds(eventRecords, registry)).containsExactly("good-1", "good-2", "referencing", "good-3");
            assertThat(deadRecords).extracting(r -> DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON))
                    .containsExactly("NOT_AVRO_SCHEMA", "UNRESOLVED_SCHEMA_REFERENCE");
            assertThat(DeadLetterHeaders.get(deadRecords.get(0).headers(), DeadLetterHeaders.MESSAGE))
                    .contains("schema id " + protobufId, "PROTOBUF");
            assertThat(DeadLetterHeaders.get(deadRecords.get(1).headers(), DeadLetterHeaders.MESSAGE))
                    .contains("schema id " + danglingId);
            assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    @Test
    @DisplayName("a registry URL without the API's base path (404 without error code 40403) stops `run` with one line and exit code 1, nothing dead-lettered")
    void wrongBasePathStops(EmbeddedEnvironment env) throws Exception {
        Run run = run(env, "path", Map.of("schema.registry.url", env.registryBaseUrl()));
        AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(new RestSchemaRegistryClient(env.registryUrl()));
        send(env, run.input(), List.of(serializer.serialize(run.input(), frame("good-1"))));

        CommandLine cli = StreamsAppCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(List.of("run"));
        run.overrides().forEach(p -> args.addAll(List.of("--property", p)));
        int exit = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(STOP_TIMEOUT,
                () -> cli.execute(args.toArray(String[]::new)));

        assertThat(exit).isEqualTo(StreamsAppCli.EXIT_FAILED);
        assertThat(err.toString().lines().toList()).singleElement().asString()
                .startsWith("streams-app run: stopped: a configuration error")
                .contains("HTTP 404", env.registryBaseUrl() + "/schemas/ids/", "/apis/ccompat/v7");
        try (KafkaConsumer<byte[], byte[]> dead = ItSupport.committedReader(env, run.props().get("rejected.topic"))) {
            assertThat(ItSupport.readAll(dead, 1, Duration.ofSeconds(3), Duration.ZERO)).isEmpty();
        }
    }

    @Test
    @DisplayName("a registry answering 401 stops the app; /health and /health/live say DOWN with the reason while it stops")
    void unauthorizedStopsWithHealthDown(EmbeddedEnvironment env) throws Exception {
        try (RegistryGate gate = new RegistryGate(env.registryUrl()).requireBearer("right-token")) {
            Run run = run(env, "auth", Map.of("schema.registry.url", gate.url(),
                    "bearer.auth.credentials.source", "STATIC_TOKEN", "bearer.auth.token", "wrong-token"));
            AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(new RestSchemaRegistryClient(env.registryUrl()));
            send(env, run.input(), List.of(serializer.serialize(run.input(), frame("good-1"))));

            try (EmotionStreamsApp app = EmotionStreamsApp.create(ConfigLoader.load(null, Map.of(), run.overrides())).start()) {
                KafkaStreams.State end = app.stopped().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

                assertThat(end).isEqualTo(KafkaStreams.State.ERROR);
                assertThat(app.stopReason()).hasValueSatisfying(r -> assertThat(r).contains("HTTP 401", "Unauthorized"));
                for (String path : List.of("/health", "/health/live")) {
                    HttpResponse<String> health = get(app, path);
                    assertThat(health.statusCode()).as(path).isEqualTo(503);
                    assertThat(health.body()).as(path).contains("\"status\" : \"DOWN\"", "\"reason\" : ", "HTTP 401");
                }
            }
            assertThat(gate.seen()).isNotEmpty().allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer wrong-token"));
        }
    }

    @Test
    @DisplayName("bearer auth with the right token, and the first of two registry URLs down with max.retries=0: every frame classified, the token never on /metrics")
    void bearerTokenAndFailover(EmbeddedEnvironment env) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String token = "tok-" + UUID.randomUUID();
        try (RegistryGate gate = new RegistryGate(env.registryUrl()).requireBearer(token)) {
            Run run = run(env, "bearer", Map.of(
                    "schema.registry.url", "http://127.0.0.1:" + closedPort + "/apis/ccompat/v7," + gate.url(),
                    "max.retries", "0",
                    "bearer.auth.credentials.source", "STATIC_TOKEN", "bearer.auth.token", token));
            RestSchemaRegistryClient registry = new RestSchemaRegistryClient(env.registryUrl());
            AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(registry);
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                frames.add(serializer.serialize(run.input(), frame("f-" + i)));
            }
            send(env, run.input(), frames);

            try (EmotionStreamsApp app = EmotionStreamsApp.create(ConfigLoader.load(null, Map.of(), run.overrides())).start();
                 KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(env, run.props().get("emotions.topic"))) {
                assertThat(eventIds(ItSupport.readAll(events, 5, Duration.ofMinutes(2), Duration.ZERO), registry))
                        .containsExactly("f-0", "f-1", "f-2", "f-3", "f-4");
                assertThat(get(app, "/metrics").body()).doesNotContain(token);
            }
            assertThat(gate.seen()).isNotEmpty().allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer " + token));
        }
    }

    @Test
    @DisplayName("a registry that forbids registration (403) works with auto.register.schemas=false and the output subjects registered beforehand")
    void registrationDeniedWithPreRegisteredSubjects(EmbeddedEnvironment env) throws Exception {
        try (RegistryGate gate = new RegistryGate(env.registryUrl()).denyRegistration()) {
            Run run = run(env, "readonly", Map.of("schema.registry.url", gate.url(), "auto.register.schemas", "false"));
            RestSchemaRegistryClient registry = new RestSchemaRegistryClient(env.registryUrl());
            registry.register(run.props().get("emotions.topic") + "-value", EmotionEvent.getClassSchema());
            registry.register(run.props().get("accuracy.topic") + "-value", AccuracySnapshot.getClassSchema());
            AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(registry);
            send(env, run.input(), List.of(serializer.serialize(run.input(), frame("f-0")),
                    serializer.serialize(run.input(), frame("f-1"))));

            try (EmotionStreamsApp app = EmotionStreamsApp.create(ConfigLoader.load(null, Map.of(), run.overrides())).start();
                 KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(env, run.props().get("emotions.topic"));
                 KafkaConsumer<byte[], byte[]> snapshots = ItSupport.committedReader(env, run.props().get("accuracy.topic"))) {
                assertThat(eventIds(ItSupport.readAll(events, 2, Duration.ofMinutes(2), Duration.ZERO), registry))
                        .containsExactly("f-0", "f-1");
                assertThat(ItSupport.awaitSnapshot(snapshots, registry, "registry-errors|all", 2, Duration.ofSeconds(30))
                        .getLabeled()).isEqualTo(2);
            }
            assertThat(gate.seen()).noneSatisfy(s -> assertThat(s.path()).endsWith("/versions"));
        }
    }

    @Test
    @DisplayName("the same registry with auto.register.schemas left at true stops the app on the 403")
    void registrationDeniedStops(EmbeddedEnvironment env) throws Exception {
        try (RegistryGate gate = new RegistryGate(env.registryUrl()).denyRegistration()) {
            Run run = run(env, "denied", Map.of("schema.registry.url", gate.url()));
            AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(new RestSchemaRegistryClient(env.registryUrl()));
            send(env, run.input(), List.of(serializer.serialize(run.input(), frame("f-0"))));

            try (EmotionStreamsApp app = EmotionStreamsApp.create(ConfigLoader.load(null, Map.of(), run.overrides())).start()) {
                assertThat(app.stopped().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(KafkaStreams.State.ERROR);
                assertThat(app.stopReason()).hasValueSatisfying(r -> assertThat(r).contains("HTTP 403",
                        run.props().get("emotions.topic") + "-value"));
            }
        }
    }
}

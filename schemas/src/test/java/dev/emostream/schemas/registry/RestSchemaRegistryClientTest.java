package dev.emostream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.serde.FaceSerdeException;

class RestSchemaRegistryClientTest {

    private static final String PREFIX = "/apis/ccompat/v7";
    private static final String DOWN = "/down";

    /** One request as the stub registry saw it. */
    record Seen(String method, String path, String contentType, String authorization, String body) {
    }

    /** One canned answer. */
    record Answer(int status, String body) {
    }

    private HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Deque<Answer> answers = new ArrayDeque<>();
    private String baseUrl;

    @BeforeEach
    void startStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            Answer a;
            synchronized (answers) {
                // a registry node that is down: every path under /down answers 503
                a = exchange.getRequestURI().getRawPath().startsWith(DOWN)
                        ? new Answer(503, "{\"error_code\":50003,\"message\":\"node down\"}")
                        : answers.isEmpty() ? new Answer(500, "{\"error_code\":50000,\"message\":\"no answer scripted\"}") : answers.poll();
            }
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        });
        server.start();
        baseUrl = "http://localhost:" + server.getAddress().getPort() + PREFIX;
    }

    @AfterEach
    void stopStub() {
        server.stop(0);
    }

    private void answer(int status, String body) {
        synchronized (answers) {
            answers.add(new Answer(status, body));
        }
    }

    private RestSchemaRegistryClient client() {
        return new RestSchemaRegistryClient(SchemaRegistryClientConfig.builder(baseUrl)
                .maxRetries(2).retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build());
    }

    @Test
    @DisplayName("register POSTs the schema to /subjects/{subject}/versions as application/vnd.schemaregistry.v1+json, once")
    void registerOnce() throws IOException {
        answer(200, "{\"id\":17}");
        RestSchemaRegistryClient client = client();

        assertThat(client.register("faces.cam 7-value", FaceFrame.getClassSchema())).isEqualTo(17);
        assertThat(client.register("faces.cam 7-value", FaceFrame.getClassSchema())).isEqualTo(17);
        assertThat(client.schemaById(17)).isEqualTo(FaceFrame.getClassSchema());

        assertThat(seen).hasSize(1);
        Seen request = seen.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo(PREFIX + "/subjects/faces.cam%207-value/versions");
        assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(new ObjectMapper().readTree(request.body()).get("schema").asText())
                .isEqualTo(FaceFrame.getClassSchema().toString());
    }

    @Test
    @DisplayName("schemaById GETs /schemas/ids/{id} once and parses the Avro schema")
    void schemaByIdOnce() throws IOException {
        String schemaJson = new ObjectMapper().writeValueAsString(Map.of("schema", FaceFrame.getClassSchema().toString()));
        answer(200, schemaJson);
        RestSchemaRegistryClient client = client();

        assertThat(client.schemaById(5)).isEqualTo(FaceFrame.getClassSchema());
        assertThat(client.schemaById(5)).isEqualTo(FaceFrame.getClassSchema());

        assertThat(seen).extracting(Seen::method, Seen::path).containsExactly(org.assertj.core.groups.Tuple.tuple("GET", PREFIX + "/schemas/ids/5"));
    }

    @Test
    @DisplayName("404 on a schema id is UnknownSchemaIdException")
    void unknownId() {
        answer(404, "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}");
        assertThatThrownBy(() -> client().schemaById(99))
                .isInstanceOfSatisfying(UnknownSchemaIdException.class, e -> assertThat(e.schemaId()).isEqualTo(99))
                .hasMessageContaining("Schema 99 not found");
    }

    @Test
    @DisplayName("409 on register is IncompatibleSchemaException carrying the registry's message")
    void incompatible() {
        answer(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}");
        answer(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        assertThatThrownBy(() -> client().register("s-value", FaceFrame.getClassSchema()))
                .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> {
                    assertThat(e.registryMessage()).isEqualTo("Schema being registered is incompatible with an earlier schema");
                    assertThat(e.subject()).isEqualTo("s-value");
                    assertThat(e.reason()).isEqualTo(FaceSerdeException.Reason.INCOMPATIBLE_SCHEMA);
                });
    }

    @Test
    @DisplayName("5xx answers are retried with backoff until the registry recovers")
    void retriesServerErrors() {
        answer(503, "{\"error_code\":50003,\"message\":\"forwarding\"}");
        answer(500, "{\"error_code\":50002,\"message\":\"timeout\"}");
        answer(200, "{\"id\":3}");
        assertThat(client().register("s-value", FaceFrame.getClassSchema())).isEqualTo(3);
        assertThat(seen).hasSize(3);
    }

    @Test
    @DisplayName("a registry that keeps failing gives SchemaRegistryUnavailableException after the configured attempts")
    void givesUpOnServerErrors() {
        for (int i = 0; i < 3; i++) {
            answer(503, "{\"error_code\":50003,\"message\":\"leader not known\"}");
        }
        assertThatThrownBy(() -> client().schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryUnavailableException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.isRetriable()).isTrue();
                })
                .hasMessageContaining("leader not known");
        assertThat(seen).hasSize(3);
    }

    @Test
    @DisplayName("a closed port is retried with exponential backoff, then named in SchemaRegistryUnavailableException")
    void closedPort() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String url = "http://localhost:" + closedPort + PREFIX;
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(SchemaRegistryClientConfig.builder(url)
                .maxRetries(3).retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build());

        long start = System.nanoTime();
        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryUnavailableException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(4);
                    assertThat(e.url()).isEqualTo(url + "/schemas/ids/1");
                    assertThat(e.reason()).isEqualTo(FaceSerdeException.Reason.REGISTRY_UNAVAILABLE);
                })
                .hasMessageContaining(url)
                .hasMessageContaining("4 attempt(s)")
                .hasMessageContaining("ConnectException");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        // waits of about 100 + 200 + 400 ms (+-20% jitter): backoff happened, and it stayed bounded
        assertThat(elapsedMs).isBetween(500L, 5_000L);
    }

    @Test
    @DisplayName("basic auth travels as an Authorization header and never shows in toString")
    void basicAuth() {
        answer(200, "{\"id\":1}");
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(SchemaRegistryClientConfig.fromProperties(Map.of(
                SchemaRegistryClientConfig.URL, baseUrl,
                SchemaRegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO, "alice:s3cret")));

        client.register("s-value", FaceFrame.getClassSchema());

        assertThat(seen.get(0).authorization())
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8)));
        assertThat(client.config().toString()).doesNotContain("s3cret").contains("[hidden]");
        assertThat(client.toString()).doesNotContain("s3cret");
    }

    @Test
    @DisplayName("setCompatibility PUTs {\"compatibility\": LEVEL} to /config/{subject}")
    void setCompatibility() throws IOException {
        answer(200, "{\"compatibility\":\"BACKWARD\"}");
        client().setCompatibility("s-value", CompatibilityLevel.BACKWARD);
        assertThat(seen.get(0).method()).isEqualTo("PUT");
        assertThat(seen.get(0).path()).isEqualTo(PREFIX + "/config/s-value");
        assertThat(new ObjectMapper().readTree(seen.get(0).body()).get("compatibility").asText()).isEqualTo("BACKWARD");
    }

    @Test
    @DisplayName("testCompatibility reads Confluent's messages and Apicurio's reason; an empty subject is compatible")
    void testCompatibility() {
        answer(200, "{\"is_compatible\":false,\"messages\":[\"READER_FIELD_MISSING_DEFAULT_VALUE\"]}");
        answer(200, "{\"is_compatible\":false,\"reason\":\"Incompatible artifact\"}");
        answer(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
        RestSchemaRegistryClient client = client();

        assertThat(client.testCompatibility("s", FaceFrame.getClassSchema()))
                .isEqualTo(new CompatibilityResult(false, List.of("READER_FIELD_MISSING_DEFAULT_VALUE")));
        assertThat(client.testCompatibility("s", FaceFrame.getClassSchema()))
                .isEqualTo(new CompatibilityResult(false, List.of("Incompatible artifact")));
        assertThat(client.testCompatibility("s", FaceFrame.getClassSchema()).compatible()).isTrue();
        assertThat(seen.get(0).path()).isEqualTo(PREFIX + "/compatibility/subjects/s/versions/latest?verbose=true");
    }

    @Test
    @DisplayName("409 on register of a schema the subject has by then (Apicurio, two instances registering at once) "
            + "gives its id")
    void registeredConcurrently() {
        answer(409, "{\"error_code\":409,\"message\":\"An artifact version 'null' for artifact ID 's-value' in group "
                + "'null' already exists.\"}");
        answer(200, "{\"subject\":\"s-value\",\"id\":12,\"version\":1,\"schema\":\"{}\"}");
        assertThat(client().register("s-value", FaceFrame.getClassSchema())).isEqualTo(12);
        assertThat(seen).extracting(Seen::path).containsExactly(PREFIX + "/subjects/s-value/versions",
                PREFIX + "/subjects/s-value");
    }

    @Test
    @DisplayName("lookup finds a registered schema without registering it, and reports an unknown one as absent")
    void lookup() {
        answer(200, "{\"subject\":\"s\",\"id\":8,\"version\":1,\"schema\":\"{}\"}");
        answer(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        assertThat(client().lookup("s", FaceFrame.getClassSchema())).hasValue(8);
        assertThat(client().lookup("s", FaceFrame.getClassSchema())).isEmpty();
        assertThat(seen).allSatisfy(r -> assertThat(r.path()).isEqualTo(PREFIX + "/subjects/s"));
    }

    @Test
    @DisplayName("401 is a non-retriable SchemaRegistryException with the status")
    void unauthorized() {
        answer(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        assertThatThrownBy(() -> client().register("s", FaceFrame.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.isRetriable()).isFalse();
                })
                .hasMessageContaining("Unauthorized");
        assertThat(seen).hasSize(1);
    }

    @Test
    @DisplayName("configuration: credentials in the URL move to a header, a missing or odd URL is a ConfigException")
    void configuration() {
        SchemaRegistryClientConfig config = SchemaRegistryClientConfig.fromProperties(Map.of(
                SchemaRegistryClientConfig.URL, "https://bob:pw@sr.example.com:8081/",
                SchemaRegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "URL",
                SchemaRegistryClientConfig.MAX_RETRIES, "7",
                SchemaRegistryClientConfig.RETRIES_WAIT_MS, "50"));
        assertThat(config.baseUrls()).extracting(Object::toString).containsExactly("https://sr.example.com:8081");
        assertThat(config.basicAuthUserInfo()).hasValue("bob:pw");
        assertThat(config.maxRetries()).isEqualTo(7);
        assertThat(config.retryWait()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.toString()).doesNotContain("pw");

        assertThatThrownBy(() -> SchemaRegistryClientConfig.fromProperties(Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> SchemaRegistryClientConfig.builder("localhost:8081")).isInstanceOf(ConfigException.class);
    }

    @Test
    @DisplayName("a 404 on a schema id without Confluent's error code 40403 is a configuration error naming the base path, not an unknown id")
    void notFoundWithoutErrorCode() {
        answer(404, "<html>Not Found</html>");
        assertThatThrownBy(() -> client().schemaById(5))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.kind()).isEqualTo(FaceSerdeException.Kind.CONFIGURATION);
                })
                .isNotInstanceOf(UnknownSchemaIdException.class)
                .hasMessageContaining(PREFIX + "/schemas/ids/5")
                .hasMessageContaining("/apis/ccompat/v7");
    }

    @Test
    @DisplayName("a Protobuf schema id is UnsupportedSchemaException (NOT_AVRO_SCHEMA, bad data)")
    void protobufId() {
        answer(200, "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}");
        assertThatThrownBy(() -> client().schemaById(4))
                .isInstanceOfSatisfying(UnsupportedSchemaException.class, e -> {
                    assertThat(e.schemaType()).isEqualTo("PROTOBUF");
                    assertThat(e.reason()).isEqualTo(FaceSerdeException.Reason.NOT_AVRO_SCHEMA);
                    assertThat(e.kind()).isEqualTo(FaceSerdeException.Kind.BAD_DATA);
                })
                .hasMessageContaining("schema id 4");
    }

    /** A record schema whose field is the enum {@code x.Mood}, defined in subject "mood" version 3. */
    private void answerRecordReferencingMoodVersion3() throws IOException {
        String record = "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"x\",\"fields\":[{\"name\":\"m\",\"type\":\"x.Mood\"}]}";
        answer(200, new ObjectMapper().writeValueAsString(Map.of("schema", record,
                "references", List.of(Map.of("name", "x.Mood", "subject", "mood", "version", 3)))));
    }

    @Test
    @DisplayName("references are fetched from /subjects/{subject}/versions/{version} and parsed before the schema")
    void resolvesReferences() throws IOException {
        String enumSchema = "{\"type\":\"enum\",\"name\":\"Mood\",\"namespace\":\"x\",\"symbols\":[\"A\",\"B\"]}";
        answerRecordReferencingMoodVersion3();
        answer(200, new ObjectMapper().writeValueAsString(Map.of("id", 2, "version", 3, "subject", "mood",
                "schema", enumSchema)));

        org.apache.avro.Schema schema = client().schemaById(9);

        assertThat(schema.getField("m").schema().getEnumSymbols()).containsExactly("A", "B");
        assertThat(seen).extracting(Seen::path).containsExactly(PREFIX + "/schemas/ids/9", PREFIX + "/subjects/mood/versions/3");
    }

    @Test
    @DisplayName("a reference the registry does not have is UnresolvedSchemaReferenceException (bad data)")
    void unresolvedReference() throws IOException {
        answerRecordReferencingMoodVersion3();
        answer(404, "{\"error_code\":40402,\"message\":\"Version 3 not found.\"}");
        assertThatThrownBy(() -> client().schemaById(9))
                .isInstanceOfSatisfying(UnresolvedSchemaReferenceException.class, e -> {
                    assertThat(e.reason()).isEqualTo(FaceSerdeException.Reason.UNRESOLVED_SCHEMA_REFERENCE);
                    assertThat(e.kind()).isEqualTo(FaceSerdeException.Kind.BAD_DATA);
                })
                .hasMessageContaining("subject mood version 3");
    }

    @Test
    @DisplayName("latestVersion GETs /subjects/{subject}/versions/latest and returns id, version and schema")
    void latestVersion() throws IOException {
        answer(200, new ObjectMapper().writeValueAsString(Map.of("subject", "s-value", "id", 12, "version", 4,
                "schema", FaceFrame.getClassSchema().toString())));
        RegisteredSchema latest = client().latestVersion("s-value");
        assertThat(latest).isEqualTo(new RegisteredSchema("s-value", 12, 4, FaceFrame.getClassSchema()));
        assertThat(seen).extracting(Seen::path).containsExactly(PREFIX + "/subjects/s-value/versions/latest");
    }

    @Test
    @DisplayName("bearer auth (STATIC_TOKEN) sends Authorization: Bearer and Confluent Cloud's headers; the token never shows in toString")
    void bearerAuth() {
        answer(200, "{\"id\":1}");
        SchemaRegistryClientConfig config = SchemaRegistryClientConfig.fromProperties(Map.of(
                SchemaRegistryClientConfig.URL, baseUrl,
                SchemaRegistryClientConfig.BEARER_AUTH_CREDENTIALS_SOURCE, "STATIC_TOKEN",
                SchemaRegistryClientConfig.BEARER_AUTH_TOKEN, "tok-3141",
                SchemaRegistryClientConfig.BEARER_AUTH_LOGICAL_CLUSTER, "lsrc-1"));
        new RestSchemaRegistryClient(config).register("s", FaceFrame.getClassSchema());

        assertThat(seen.get(0).authorization()).isEqualTo("Bearer tok-3141");
        assertThat(config.extraHeaders()).containsEntry("target-sr-cluster", "lsrc-1");
        assertThat(config.toString()).doesNotContain("tok-3141").contains("bearerAuth=[hidden]");
    }

    @Test
    @DisplayName("bearer settings that cannot work are ConfigExceptions: a token without STATIC_TOKEN, another source, no token, basic auth as well")
    void bearerMisconfigured() {
        assertThatThrownBy(() -> SchemaRegistryClientConfig.fromProperties(Map.of(SchemaRegistryClientConfig.URL, baseUrl,
                SchemaRegistryClientConfig.BEARER_AUTH_TOKEN, "t"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("STATIC_TOKEN").hasMessageNotContaining("=t ");
        assertThatThrownBy(() -> SchemaRegistryClientConfig.fromProperties(Map.of(SchemaRegistryClientConfig.URL, baseUrl,
                SchemaRegistryClientConfig.BEARER_AUTH_CREDENTIALS_SOURCE, "OAUTHBEARER"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("supported: STATIC_TOKEN");
        assertThatThrownBy(() -> SchemaRegistryClientConfig.fromProperties(Map.of(SchemaRegistryClientConfig.URL, baseUrl,
                SchemaRegistryClientConfig.BEARER_AUTH_CREDENTIALS_SOURCE, "STATIC_TOKEN"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(SchemaRegistryClientConfig.BEARER_AUTH_TOKEN);
        assertThatThrownBy(() -> SchemaRegistryClientConfig.fromProperties(Map.of(SchemaRegistryClientConfig.URL, baseUrl,
                SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO, "a:b",
                SchemaRegistryClientConfig.BEARER_AUTH_CREDENTIALS_SOURCE, "STATIC_TOKEN",
                SchemaRegistryClientConfig.BEARER_AUTH_TOKEN, "t"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("both");
    }

    @Test
    @DisplayName("with max.retries=0 a request still fails over to the second URL, and later requests stay there")
    void failoverWithoutRetries() {
        answer(200, "{\"id\":21}");
        answer(200, "{\"id\":22}");
        String down = "http://localhost:" + server.getAddress().getPort() + DOWN + PREFIX;
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(SchemaRegistryClientConfig.fromProperties(Map.of(
                SchemaRegistryClientConfig.URL, down + "," + baseUrl,
                SchemaRegistryClientConfig.MAX_RETRIES, "0")));

        assertThat(client.register("a-value", FaceFrame.getClassSchema())).isEqualTo(21);
        assertThat(client.register("b-value", FaceFrame.getClassSchema())).isEqualTo(22);

        // the first request tried the node that is down, then the second URL; the next went straight to the second
        assertThat(seen).extracting(Seen::path).containsExactly(
                DOWN + PREFIX + "/subjects/a-value/versions",
                PREFIX + "/subjects/a-value/versions",
                PREFIX + "/subjects/b-value/versions");
    }
}

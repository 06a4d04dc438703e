package dev.emostream.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.cli.StreamsAppCli;
import dev.emostream.app.config.ConfigLoader;
import dev.emostream.app.testing.ItSupport;
import dev.emostream.app.testing.TestModels;
import dev.emostream.embedded.EmbeddedKafkaBroker;
import dev.emostream.embedded.EmbeddedSchemaRegistry;
import dev.emostream.embedded.ExtraListener;
import dev.emostream.model.csv.Fer2013Row;
import picocli.CommandLine;

/**
 * One broker of its own with a SASL_SSL listener (SCRAM-SHA-512) and an SSL listener that requires a client
 * certificate, both with certificates made here; the registry behind an HTTPS proxy that requires basic auth. The
 * app, the replay and the submission are configured with standard Kafka properties only (and the registry client's
 * Confluent-named keys), from one file, as an operator would write it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("secured clusters: SASL_SSL with SCRAM-SHA-512, mutual TLS, a registry on HTTPS with basic auth")
class SecuredClusterFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(SecuredClusterFaultIT.class);
    private static final int FACES = 200;
    private static final String SCRAM = "SCRAM";
    private static final String MTLS = "MTLS";
    private static final String SCRAM_USER = "emostream-app";
    private static final String REGISTRY_USER = "emostream-registry";
    // random, so that finding one in a log cannot be a coincidence
    private static final String SCRAM_PASSWORD = "scram-" + UUID.randomUUID();
    private static final String STORE_PASSWORD = "store-" + UUID.randomUUID();
    private static final String REGISTRY_PASSWORD = "basic-" + UUID.randomUUID();
    private static final String WRONG_SCRAM_PASSWORD = "wrong-scram-" + UUID.randomUUID();
    private static final String WRONG_REGISTRY_PASSWORD = "wrong-basic-" + UUID.randomUUID();
    private static final List<String> SECRETS = List.of(SCRAM_PASSWORD, STORE_PASSWORD, REGISTRY_PASSWORD,
            WRONG_SCRAM_PASSWORD, WRONG_REGISTRY_PASSWORD);
    /** The tools report a bad credential without waiting out a timeout. */
    private static final Duration PROMPT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static VerboseLogCapture log;
    private static TestCertificates certs;
    private static EmbeddedKafkaBroker broker;
    private static EmbeddedSchemaRegistry registry;
    private static BasicAuthHttpsProxy registryProxy;
    private static Path csv;
    private static List<Fer2013Row> rows;
    /** What {@code /metrics} and the tools printed during the class, searched for secrets at the end. */
    private static final List<String> outputs = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Map<String, Level> levels = new LinkedHashMap<>();
        // where configurations are printed (every Kafka client, Streams, the broker) and authentication happens
        levels.put("org.apache.kafka", Level.INFO);
        levels.put("kafka", Level.INFO);
        levels.put("org.apache.kafka.streams.StreamsConfig", Level.INFO);
        levels.put("org.apache.kafka.clients.NetworkClient", Level.INFO);
        levels.put("org.apache.kafka.common.security", Level.DEBUG);
        levels.put("org.apache.kafka.common.network", Level.DEBUG);
        levels.put("dev.emostream", Level.DEBUG);
        log = new VerboseLogCapture(levels);

        certs = TestCertificates.create(dir.resolve("pki"), STORE_PASSWORD);
        broker = EmbeddedKafkaBroker.start(Map.of(), List.of(scramListener(), mtlsListener()));
        // users are made over the PLAINTEXT listener, as an operator would with the broker's admin credentials
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(SCRAM_USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), SCRAM_PASSWORD))).all().get();
        }
        registry = EmbeddedSchemaRegistry.start();
        registryProxy = BasicAuthHttpsProxy.start(registry.url(), certs.serverSslContext(), REGISTRY_USER,
                REGISTRY_PASSWORD);
        csv = ItSupport.firstRows(dir, FACES);
        rows = ItSupport.rows(csv);
        LOG.info("secured broker: SASL_SSL at {}, mTLS at {}; registry {} behind {}", broker.bootstrapServers(SCRAM),
                broker.bootstrapServers(MTLS), registry.url(), registryProxy.url(EmbeddedSchemaRegistry.CCOMPAT_PATH));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[]{registryProxy, registry, broker, log}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("cannot close {}: {}", c, e.toString());
                }
            }
        }
    }

    @Test
    @Order(1)
    @DisplayName("through SASL_SSL with SCRAM-SHA-512: replay, app and submission classify every face")
    void scram() throws Exception {
        endToEnd("scram", scramClient(SCRAM_PASSWORD));
    }

    @Test
    @Order(2)
    @DisplayName("through mutual TLS (a client certificate): replay, app and submission classify every face")
    void mutualTls() throws Exception {
        endToEnd("mtls", mtlsClient(true));
    }

    @Test
    @Order(3)
    @DisplayName("a wrong SCRAM password ends the replay at once with one line saying authentication failed")
    void wrongScramPassword() throws Exception {
        Path config = writeConfig("wrong-scram", clientConfig(scramClient(WRONG_SCRAM_PASSWORD), REGISTRY_PASSWORD));
        Cli replay = Cli.run("replay", "--config", config.toString(), "--data", csv.toString(),
                "--topic", "faces.wrong-scram", "--limit", "5");
        assertOneLineFailure(replay, "replay");
        assertThat(replay.err).contains("Authentication failed").contains("SCRAM-SHA-512");
    }

    @Test
    @Order(4)
    @DisplayName("no client certificate on the mTLS listener ends the replay at once with one line naming the TLS alert")
    void noClientCertificate() throws Exception {
        Path config = writeConfig("no-cert", clientConfig(mtlsClient(false), REGISTRY_PASSWORD));
        Cli replay = Cli.run("replay", "--config", config.toString(), "--data", csv.toString(),
                "--topic", "faces.no-cert", "--limit", "5");
        assertOneLineFailure(replay, "replay");
        // TLS 1.3: the client learns of the refusal after its side of the handshake, from the broker's alert
        assertThat(replay.err).contains("SSLHandshakeException").containsPattern("bad_certificate|certificate_required");
    }

    @Test
    @Order(5)
    @DisplayName("a wrong registry password ends the replay at once with one line naming HTTP 401 and the URL")
    void wrongRegistryPassword() throws Exception {
        int refusedBefore = registryProxy.refused();
        Path config = writeConfig("wrong-basic", clientConfig(scramClient(SCRAM_PASSWORD), WRONG_REGISTRY_PASSWORD));
        Cli replay = Cli.run("replay", "--config", config.toString(), "--data", csv.toString(),
                "--topic", "faces.wrong-basic", "--limit", "5");
        assertOneLineFailure(replay, "replay");
        assertThat(replay.err).contains("HTTP 401").contains(registryProxy.url("/"));
        assertThat(registryProxy.refused()).isGreaterThan(refusedBefore);
    }

    @Test
    @Order(6)
    @DisplayName("no password, key-store password or basic-auth credential in the log, in /metrics or in the tools' "
            + "output")
    void noSecretLeaks() throws Exception {
        String logged = log.text();
        assertThat(logged).as("the capture saw the client configurations printed (with their secrets hidden)")
                .contains("sasl.jaas.config = [hidden]")
                .contains("ssl.keystore.password = [hidden]");
        assertThat(outputs).as("/metrics was scraped and the tools ran (run the whole class)").hasSizeGreaterThan(4);
        for (String secret : SECRETS) {
            assertThat(logged).as("log (%d events)", log.events()).doesNotContain(secret);
            assertThat(outputs).noneMatch(o -> o.contains(secret));
        }
        // what `streams-app run` logs at start
        Map<String, String> config = ConfigLoader.load(null, Map.of(), overrides(clientConfig(
                mtlsClient(true), REGISTRY_PASSWORD))).redacted();
        assertThat(config.toString()).doesNotContain(STORE_PASSWORD).doesNotContain(REGISTRY_PASSWORD);
        assertThat(ConfigLoader.load(null, Map.of(), overrides(clientConfig(scramClient(SCRAM_PASSWORD),
                REGISTRY_PASSWORD))).redacted().toString()).doesNotContain(SCRAM_PASSWORD);
    }

    private void endToEnd(String mode, Map<String, String> security) throws Exception {
        String run = mode + UUID.randomUUID().toString().substring(0, 6);
        String topic = "faces." + run + "-cams";
        String source = "secured-" + run;
        Path models = Files.createDirectories(dir.resolve("models-" + run));
        TestModels.write(models, "sec-" + run, 5);
        Map<String, String> props = ItSupport.appProperties(security.get("bootstrap.servers"),
                registryProxy.url(EmbeddedSchemaRegistry.CCOMPAT_PATH), run, dir.resolve("state-" + run), models);
        props.putAll(clientConfig(security, REGISTRY_PASSWORD));
        // output topics as an operator creates them (over PLAINTEXT here); the input topic the replay makes itself
        for (String t : List.of(props.get("emotions.topic"), props.get("accuracy.topic"), props.get("rejected.topic"))) {
            broker.createTopic(t, 1);
        }
        Path config = writeConfig(run, props);
        Path submissionFile = dir.resolve("submission-" + run + ".csv");
        int forwardedBefore = registryProxy.forwarded();

        try (EmotionStreamsApp app = FaultSupport.startApp(props)) {
            Cli replay = Cli.run("replay", "--config", config.toString(), "--data", csv.toString(), "--topic", topic,
                    "--source", source, "--max");
            assertThat(replay.code).as(replay.err).isZero();
            assertThat(replay.out).contains("replay: frames=" + FACES + " labeled=" + FACES + " malformed=0");

            Cli submission = Cli.run("submission", "--config", config.toString(), "--topic", topic, "--source", source,
                    "--out", submissionFile.toString(), "--expect", String.valueOf(FACES), "--timeout", "180");
            assertThat(submission.code).as(submission.err).isZero();
            List<String> lines = Files.readAllLines(submissionFile);
            assertThat(lines).hasSize(FACES + 1);
            assertThat(lines.subList(1, lines.size())).extracting(l -> l.substring(0, l.indexOf(',')))
                    .as("one row per face, each classified by the app through the secured cluster")
                    .containsExactlyElementsOf(rows.stream().map(Fer2013Row::id).toList());

            String metrics = scrapeMetrics(app.httpPort());
            outputs.add(metrics);
            assertThat(metrics).contains("emostream_frames_classified_total");
        }
        assertThat(registryProxy.forwarded()).as("the app and the tools reached the registry through HTTPS + basic auth")
                .isGreaterThan(forwardedBefore);
    }

    private static void assertOneLineFailure(Cli cli, String command) {
        assertThat(cli.code).as(cli.out + cli.err).isEqualTo(StreamsAppCli.EXIT_FAILED);
        assertThat(cli.elapsed).as("failed promptly").isLessThan(PROMPT);
        assertThat(cli.err.strip().lines()).as(cli.err).hasSize(1)
                .allMatch(l -> l.startsWith("streams-app " + command + ": "));
    }

    /** The broker side of SASL_SSL: SCRAM-SHA-512 users (made with the Admin API), the server certificate. */
    private static ExtraListener scramListener() {
        Map<String, String> s = new LinkedHashMap<>(serverSsl());
        s.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        s.put("scram-sha-512.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        return new ExtraListener(SCRAM, "SASL_SSL", s);
    }

    /** The broker side of mutual TLS: its certificate, and a client certificate signed by the test CA required. */
    private static ExtraListener mtlsListener() {
        Map<String, String> s = new LinkedHashMap<>(serverSsl());
        s.put("ssl.truststore.location", certs.truststore().toString());
        s.put("ssl.truststore.password", STORE_PASSWORD);
        s.put("ssl.truststore.type", "PKCS12");
        s.put("ssl.client.auth", "required");
        return new ExtraListener(MTLS, "SSL", s);
    }

    private static Map<String, String> serverSsl() {
        return Map.of("ssl.keystore.location", certs.serverKeystore().toString(),
                "ssl.keystore.password", STORE_PASSWORD,
                "ssl.keystore.type", "PKCS12",
                "ssl.key.password", STORE_PASSWORD);
    }

    /** What an operator writes for a SASL_SSL cluster with SCRAM-SHA-512: standard Kafka client properties. */
    private static Map<String, String> scramClient(String password) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", broker.bootstrapServers(SCRAM));
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + SCRAM_USER + "\" password=\"" + password + "\";");
        p.putAll(clientTruststore());
        return p;
    }

    /** The same for mutual TLS; {@code withCertificate=false} leaves the client certificate out. */
    private static Map<String, String> mtlsClient(boolean withCertificate) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", broker.bootstrapServers(MTLS));
        p.put("security.protocol", "SSL");
        p.putAll(clientTruststore());
        if (withCertificate) {
            p.put("ssl.keystore.location", certs.clientKeystore().toString());
            p.put("ssl.keystore.password", STORE_PASSWORD);
            p.put("ssl.keystore.type", "PKCS12");
            p.put("ssl.key.password", STORE_PASSWORD);
        }
        return p;
    }

    private static Map<String, String> clientTruststore() {
        return Map.of("ssl.truststore.location", certs.truststore().toString(),
                "ssl.truststore.password", STORE_PASSWORD,
                "ssl.truststore.type", "PKCS12");
    }

    /** {@code kafka} plus the registry client's keys: HTTPS through the test CA, basic auth. */
    private static Map<String, String> clientConfig(Map<String, String> kafka, String registryPassword) {
        Map<String, String> p = new LinkedHashMap<>(kafka);
        p.put("schema.registry.url", registryProxy.url(EmbeddedSchemaRegistry.CCOMPAT_PATH));
        p.put("basic.auth.credentials.source", "USER_INFO");
        p.put("basic.auth.user.info", REGISTRY_USER + ":" + registryPassword);
        p.put("schema.registry.ssl.truststore.location", certs.truststore().toString());
        p.put("schema.registry.ssl.truststore.password", STORE_PASSWORD);
        p.put("schema.registry.ssl.truststore.type", "PKCS12");
        // a refused credential is not retried, but an unreachable registry would be: keep failures prompt
        p.put("max.retries", "1");
        return p;
    }

    private static Path writeConfig(String name, Map<String, String> props) throws Exception {
        return FaultSupport.writeConfig(dir.resolve(name + ".properties"), props);
    }

    private static List<String> overrides(Map<String, String> props) {
        List<String> out = new ArrayList<>();
        props.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private static String scrapeMetrics(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** A {@code streams-app} command run in this JVM, as {@code bin/streams-app} would run it. */
    private record Cli(int code, String out, String err, Duration elapsed) {
        static Cli run(String... args) {
            CommandLine cli = StreamsAppCli.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            long t0 = System.nanoTime();
            int code = cli.execute(args);
            Cli result = new Cli(code, out.toString(), err.toString(), Duration.ofNanos(System.nanoTime() - t0));
            outputs.add(result.out + result.err);
            LOG.info("streams-app {} -> exit {} in {} ms{}", args[0], code, result.elapsed.toMillis(),
                    code == 0 ? "" : ": " + result.err.strip());
            return result;
        }
    }
}

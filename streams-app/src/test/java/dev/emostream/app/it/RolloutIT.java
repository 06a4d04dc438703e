package dev.emostream.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.config.AppConfig;
import dev.emostream.app.config.ConfigLoader;
import dev.emostream.app.instances.GroupAssignment;
import dev.emostream.app.model.Lineup;
import dev.emostream.app.rollout.ControlReader;
import dev.emostream.app.rollout.ControlRecords;
import dev.emostream.app.rollout.ControlTopicClient;
import dev.emostream.app.rollout.RolloutState;
import dev.emostream.app.testing.CliRun;
import dev.emostream.app.testing.ItSupport;
import dev.emostream.app.testing.TestModels;
import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.embedded.junit.KafkaTestEnvironment;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.AccuracySnapshot;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.ModelControl;
import dev.emostream.schemas.RolloutAction;
import dev.emostream.schemas.RolloutRecord;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.AvroSerializer;

/**
 * Issue 28's scenario on the embedded broker and registry: three instances in topic mode (one application id, six
 * input partitions) follow one control topic. A weak model (random weights, near chance) is the champion; the shipped
 * model (0.67 on FER2013's public test) is published as challenger, shadowed by all three on a labeled replay and
 * promoted by the rule; then another weak model is published as challenger and dropped. Each decision is one record
 * on the control topic; every frame has one event on {@code emotions}, every shadowed frame one on the shadow topic;
 * bad records are refused while serving goes on; an instance started after the promotion serves the promoted model.
 */
@ExtendWith(KafkaTestEnvironment.class)
@DisplayName("model rollout through the control topic, on a real broker")
class RolloutIT {

    private static final Logger LOG = LoggerFactory.getLogger(RolloutIT.class);
    private static final int PARTITIONS = 6;
    private static final int PHASE = 600;
    private static final int AFTER = 60;
    private static final int MIN_LABELED = 300;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @DisplayName("three instances shadow a published challenger; the rule promotes the better model and drops a worse "
            + "one, once each; every frame once on emotions and once per shadowing on the shadow topic; a later "
            + "instance serves the promoted model")
    void promotesTheBetterAndDropsTheWorse(EmbeddedEnvironment env) throws Exception {
        String run = "rollout" + UUID.randomUUID().toString().substring(0, 6);
        String input = env.createTopic("faces." + run + "-cams", PARTITIONS);
        Path models = dir.resolve("models");
        Path weak = TestModels.write(models, "weak-v1", 1);
        Path weaker = TestModels.write(dir.resolve("models-2"), "weak-v2", 2);
        Path strong = TestModels.shipped();
        String strongVersion = ModelArtifact.readMetadata(strong).version();
        Map<String, String> props = ItSupport.appProperties(env, run, dir.resolve("state"), weak);
        props.put("model.source", "topic");
        props.put("rollout.topic", "model-rollout-" + run);
        props.put("shadow.topic", "emotions-shadow-" + run);
        props.put("rollout.shadow.share", "1");
        props.put("rollout.shadow.yield", "false"); // every frame shadowed, so each can be checked on the shadow topic
        props.put("rollout.min.labeled", String.valueOf(MIN_LABELED));
        props.put("rollout.max.labeled", String.valueOf(4 * MIN_LABELED));
        String emotions = env.createTopic(props.get("emotions.topic"), PARTITIONS);
        env.createTopic(props.get("accuracy.topic"), 1);
        env.createTopic(props.get("rejected.topic"), 1);
        List<Fer2013Row> rows = ItSupport.rows(ItSupport.firstRows(dir, 2 * PHASE + AFTER));
        List<String> sources = ItSupport.onePerPartition(PARTITIONS);
        String[] connection = {"-p", "bootstrap.servers=" + env.bootstrapServers(), "-p",
                "schema.registry.url=" + env.registryUrl(), "-p", "rollout.topic=" + props.get("rollout.topic")};

        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(env.registryUrl());
        AvroSerializer<FaceFrame> frames = new AvroSerializer<>(registry);
        AvroDeserializer<EmotionEvent> eventReader = new AvroDeserializer<>(EmotionEvent.class, registry);
        List<EmotionStreamsApp> apps = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = ItSupport.producer(env)) {
            assertThat(cli(connection, "publish", weak.toString(), "--champion")).satisfies(r ->
                    assertThat(r.code()).as(r.err()).isZero());
            for (int i = 0; i < 3; i++) {
                apps.add(start(props, "instance-" + i));
            }
            awaitAll(apps, l -> l.champion().version().equals("weak-v1") && l.challenger() == null, "weak-v1 serving");
            awaitRunning(apps);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers()))) {
                List<String> names = List.of("instance-0", "instance-1", "instance-2");
                GroupAssignment.await(admin, props.get("application.id"), input, names,
                        a -> a.coversExactly(Set.copyOf(names), PARTITIONS) && names.stream().allMatch(
                                n -> !a.of(n).isEmpty()), Duration.ofMinutes(3));
            }

            CliRun published = cli(connection, "publish", strong.toString(), "--reason", "better on the validation split");
            assertThat(published.code()).as(published.err()).isZero();
            assertThat(published.out()).contains("as challenger of weak-v1");
            awaitAll(apps, l -> l.challenger() != null && l.challenger().model().version().equals(strongVersion),
                    "the challenger shadowed by all three");
            send(producer, frames, input, rows.subList(0, PHASE), sources);
            awaitAll(apps, l -> l.champion().version().equals(strongVersion) && l.challenger() == null,
                    strongVersion + " promoted on all three");
            for (EmotionStreamsApp app : apps) {
                assertThat(app.metrics().shadowedCount(strongVersion)).as("each instance shadowed its partitions' frames")
                        .isPositive();
            }

            CliRun second = cli(connection, "publish", weaker.toString());
            assertThat(second.code()).as(second.err()).isZero();
            awaitAll(apps, l -> l.challenger() != null && l.challenger().model().version().equals("weak-v2"),
                    "the second challenger shadowed by all three");
            send(producer, frames, input, rows.subList(PHASE, 2 * PHASE), sources);
            awaitAll(apps, l -> l.champion().version().equals(strongVersion) && l.challenger() == null,
                    "weak-v2 dropped on all three");

            // bad records: a forged artifact whose pieces do not match their checksum, a step for a version never
            // published, bytes that are no ModelControl; each is refused and the champion keeps serving
            writeBadRecords(env, registry, props.get("rollout.topic"));
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (apps.stream().anyMatch(a -> refused(a) < 4) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            for (EmotionStreamsApp app : apps) {
                assertThat(refused(app)).as("four refused: the forged piece, the record naming it, the unknown "
                        + "version, the garbage").isEqualTo(4);
                assertThat(app.models().lineup().champion().version()).isEqualTo(strongVersion);
                assertThat(app.models().lineup().challenger()).isNull();
            }

            EmotionStreamsApp late = start(props, "instance-3");
            apps.add(late);
            assertThat(late.models().lineup().champion().version()).as("the late instance serves the promoted model "
                    + "from its first frame").isEqualTo(strongVersion);
            assertThat(late.models().lineup().challenger()).isNull();
            awaitRunning(apps);
            send(producer, frames, input, rows.subList(2 * PHASE, rows.size()), sources);

            List<EmotionEvent> events = read(env, emotions, rows.size(), eventReader);
            Map<String, Long> perFrame = events.stream().collect(Collectors.groupingBy(EmotionEvent::getFrameId,
                    Collectors.counting()));
            assertThat(perFrame).as("every frame on emotions").hasSize(rows.size());
            assertThat(perFrame.values()).as("no frame twice on emotions").allMatch(n -> n == 1);
            assertThat(events.stream().filter(e -> isAfter(e, rows)).map(EmotionEvent::getModelVersion))
                    .as("frames after both rollouts, on four instances").hasSize(AFTER).containsOnly(strongVersion);

            List<EmotionEvent> shadowed = read(env, props.get("shadow.topic"), 2 * MIN_LABELED, eventReader);
            Map<String, Long> shadowPerFrame = shadowed.stream().collect(Collectors.groupingBy(EmotionEvent::getFrameId,
                    Collectors.counting()));
            assertThat(shadowPerFrame.values()).as("no frame twice on the shadow topic").allMatch(n -> n == 1);
            Map<String, Long> byChallenger = shadowed.stream().collect(Collectors.groupingBy(
                    EmotionEvent::getModelVersion, Collectors.counting()));
            LOG.info("shadow events by challenger: {}", byChallenger);
            assertThat(byChallenger).containsOnlyKeys(strongVersion, "weak-v2");
            assertThat(byChallenger.get(strongVersion)).isGreaterThanOrEqualTo(MIN_LABELED);
            assertThat(byChallenger.get("weak-v2")).isGreaterThanOrEqualTo(MIN_LABELED);

            Map<String, AccuracySnapshot> snapshots = lastSnapshots(env, props.get("accuracy.topic"), registry);
            assertThat(snapshots.get(strongVersion + "|agreement:weak-v1").getLabeled())
                    .as("the agreement counts each shadow event once").isEqualTo(byChallenger.get(strongVersion));
            assertThat(snapshots.get("weak-v2|agreement:" + strongVersion).getLabeled())
                    .isEqualTo(byChallenger.get("weak-v2"));
            assertThat(snapshots.get(strongVersion + "|shadow").getAccuracy())
                    .isGreaterThan(snapshots.get("weak-v1|all").getAccuracy());

            List<RolloutRecord> decisions = controlRecords(env, props.get("rollout.topic"), registry).stream()
                    .filter(r -> r.getDecidedBy().equals(ControlRecords.RULE)).toList();
            LOG.info("decisions: {}", decisions.stream().map(r -> r.getAction() + " " + r.getVersion() + ": "
                    + r.getReason()).toList());
            assertThat(decisions).as("one decision per rollout").hasSize(2);
            assertThat(decisions.get(0).getAction()).isEqualTo(RolloutAction.PROMOTE);
            assertThat(decisions.get(0).getVersion()).isEqualTo(strongVersion);
            assertThat(decisions.get(0).getChampion()).isEqualTo("weak-v1");
            assertThat(decisions.get(1).getAction()).isEqualTo(RolloutAction.ROLLBACK);
            assertThat(decisions.get(1).getVersion()).isEqualTo("weak-v2");
            assertThat(decisions.get(1).getReason()).startsWith("challenger worse");
            assertThat(decisions).allSatisfy(d -> {
                assertThat(d.getEvidence().getLabeled()).isGreaterThanOrEqualTo(MIN_LABELED);
                assertThat(d.getEvidence().getPValue()).isLessThan(d.getEvidence().getAlpha());
                assertThat(d.getRollout()).startsWith("rollout-");
            });

            String accuracy = get(apps.get(0), "/accuracy");
            assertThat(accuracy).contains("\"rollout\"").contains("\"champion\" : {").contains(strongVersion)
                    .contains("PROMOTE");
            for (EmotionStreamsApp app : apps.subList(0, 3)) {
                assertThat(get(app, "/metrics")).contains("emostream_shadow_frames_total{model_version=\"weak-v2\"}")
                        .contains("emostream_shadow_agreed_total");
            }
        } finally {
            apps.forEach(a -> a.close(Duration.ofSeconds(20)));
        }
    }

    @Test
    @DisplayName("the models commands list their subcommands and refuse a bad artifact, a checksum mismatch, an unknown "
            + "version and nothing to roll back, each with one line; of two commands at once the later fences the "
            + "earlier")
    void commandsRefuseWithOneLine(EmbeddedEnvironment env) throws Exception {
        String topic = "model-rollout-cli" + UUID.randomUUID().toString().substring(0, 6);
        String[] connection = {"-p", "bootstrap.servers=" + env.bootstrapServers(), "-p",
                "schema.registry.url=" + env.registryUrl(), "-p", "rollout.topic=" + topic};
        Path a = TestModels.write(dir.resolve("a"), "cli-a", 11);
        Path b = TestModels.write(dir.resolve("b"), "cli-b", 12);
        Path aAgain = TestModels.write(dir.resolve("a-again"), "cli-a", 13);
        Path truncated = dir.resolve("truncated.model.zip");
        byte[] bytes = Files.readAllBytes(a);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        CliRun help = CliRun.of("models", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("publish").contains("promote").contains("rollback").contains("status");

        assertOneLine(cli(connection, "publish", truncated.toString(), "--champion"), 2,
                "streams-app models publish: model artifact " + truncated);
        assertOneLine(cli(connection, "publish", a.toString()), 1, "no champion on " + topic);
        CliRun champion = cli(connection, "publish", a.toString(), "--champion");
        assertThat(champion.code()).as(champion.err()).isZero();
        assertOneLine(cli(connection, "publish", aAgain.toString(), "--champion"), 1,
                "streams-app models publish: checksum mismatch: version cli-a is on " + topic);
        assertOneLine(cli(connection, "promote", "cli-z"), 1, "unknown version cli-z");
        assertOneLine(cli(connection, "rollback"), 1, "nothing to roll back");
        CliRun challenger = cli(connection, "publish", b.toString());
        assertThat(challenger.code()).as(challenger.err()).isZero();
        assertOneLine(cli(connection, "promote", "cli-a"), 1, "cli-a is not the challenger (cli-b is");
        CliRun dropped = cli(connection, "rollback", "--reason", "changed my mind");
        assertThat(dropped.code()).as(dropped.err()).isZero();
        assertThat(dropped.out()).contains("dropped challenger cli-b");

        CliRun status = cli(connection, "status");
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).contains("champion:   cli-a").contains("challenger: none")
                .contains("published:  cli-a, cli-b").contains("ROLLBACK").contains("changed my mind");
        CliRun json = cli(connection, "status", "--json");
        assertThat(json.out()).contains("\"champion\" : {").contains("\"history\"");

        // two commands at once: the later one fences the earlier, which writes nothing
        AppConfig config = ConfigLoader.load(null, Map.of(), List.of("bootstrap.servers=" + env.bootstrapServers(),
                "schema.registry.url=" + env.registryUrl(), "rollout.topic=" + topic));
        ControlReader.Listener none = new ControlReader.Listener() {
            @Override
            public void applied(long offset, ModelControl record) {
            }

            @Override
            public void refused(long offset, String reason) {
            }
        };
        ControlTopicClient.Keyed note = new ControlTopicClient.Keyed(ControlRecords.commandKey(Instant.now()),
                ControlRecords.rollout(RolloutAction.ROLLBACK, "cli-b", "00", null, "cli-a", Instant.now(),
                        "fencing check", ControlRecords.operator(), null));
        try (ControlTopicClient earlier = new ControlTopicClient(config, none);
             ControlTopicClient later = new ControlTopicClient(config, none)) {
            int before = later.read().state().history().size();
            assertThatThrownBy(() -> earlier.write(List.of(note))).as("the earlier command is fenced")
                    .hasMessageStartingWith("cannot write to control topic " + topic);
            long written = later.write(List.of(note));
            List<RolloutState.Entry> history = later.read().state().history();
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (history.size() == before && System.nanoTime() < until) {
                Thread.sleep(100); // the commit's markers may not be written yet
                history = later.read().state().history();
            }
            assertThat(history).as("one record more: the later command's").hasSize(before + 1);
            assertThat(history.get(before).offset()).isEqualTo(written);
        }
    }

    private static double refused(EmotionStreamsApp app) {
        return app.metrics().registry().find("emostream.rollout.refused").counter().count();
    }

    private static void assertOneLine(CliRun r, int code, String start) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        assertThat(r.err().strip()).startsWith(start.startsWith("streams-app") ? start : "streams-app models")
                .contains(start).doesNotContain("\n").doesNotContain("Exception");
    }

    /** {@code streams-app models <args>} in this JVM, with the connection options. */
    private static CliRun cli(String[] connection, String... args) {
        List<String> all = new ArrayList<>(List.of("models"));
        all.addAll(List.of(args));
        all.addAll(List.of(connection));
        return CliRun.of(all.toArray(String[]::new));
    }

    private EmotionStreamsApp start(Map<String, String> props, String name) throws Exception {
        Map<String, String> own = new HashMap<>(props);
        own.put("client.id", name);
        own.put("state.dir", dir.resolve("state-" + name).toString());
        List<String> overrides = own.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return EmotionStreamsApp.create(ConfigLoader.load(null, Map.of(), overrides)).start();
    }

    private static void awaitAll(List<EmotionStreamsApp> apps, Predicate<Lineup> what, String description)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!apps.stream().allMatch(a -> what.test(a.models().lineup()))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 3 min: " + description + "; lineups "
                        + apps.stream().map(a -> a.models().lineup().champion().version() + "/"
                        + (a.models().lineup().challenger() == null ? "-"
                        : a.models().lineup().challenger().model().version())).toList());
            }
            Thread.sleep(100);
        }
        LOG.info("reached: {}", description);
    }

    private static void awaitRunning(List<EmotionStreamsApp> apps) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!apps.stream().allMatch(a -> a.streams().state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING)) {
            assertThat(System.nanoTime()).as("instances RUNNING within 3 min").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** The rows as labeled frames, keyed by source so that each of the six partitions (and instances) gets some. */
    private static void send(KafkaProducer<byte[], byte[]> producer, AvroSerializer<FaceFrame> serializer, String topic,
                             List<Fer2013Row> rows, List<String> sources) throws InterruptedException {
        for (int i = 0; i < rows.size(); i++) {
            String source = sources.get(i % sources.size());
            producer.send(new ProducerRecord<>(topic, source.getBytes(StandardCharsets.UTF_8),
                    serializer.serialize(topic, ItSupport.frame(rows.get(i), source))));
            Thread.sleep(4);
        }
        producer.flush();
    }

    private static boolean isAfter(EmotionEvent e, List<Fer2013Row> rows) {
        long index = Long.parseLong(e.getFrameId().substring("row-".length()).split("-")[0]);
        return rows.indexOf(rows.stream().filter(r -> r.index() == index).findFirst().orElseThrow()) >= 2 * PHASE;
    }

    private static List<EmotionEvent> read(EmbeddedEnvironment env, String topic, int atLeast,
                                           AvroDeserializer<EmotionEvent> reader) {
        try (KafkaConsumer<byte[], byte[]> consumer = ItSupport.committedReader(env, topic)) {
            return ItSupport.readAll(consumer, atLeast, Duration.ofMinutes(2), Duration.ofSeconds(3)).stream()
                    .map(r -> reader.deserialize(r.topic(), r.value())).toList();
        }
    }

    private static Map<String, AccuracySnapshot> lastSnapshots(EmbeddedEnvironment env, String topic,
                                                               RestSchemaRegistryClient registry) {
        AvroDeserializer<AccuracySnapshot> reader = new AvroDeserializer<>(AccuracySnapshot.class, registry);
        Map<String, AccuracySnapshot> last = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = ItSupport.committedReader(env, topic)) {
            for (ConsumerRecord<byte[], byte[]> r : ItSupport.readAll(consumer, 1, Duration.ofMinutes(1),
                    Duration.ofSeconds(3))) {
                last.put(new String(r.key(), StandardCharsets.UTF_8), reader.deserialize(r.topic(), r.value()));
            }
        }
        return last;
    }

    private static List<RolloutRecord> controlRecords(EmbeddedEnvironment env, String topic,
                                                      RestSchemaRegistryClient registry) {
        AvroDeserializer<ModelControl> reader = new AvroDeserializer<>(ModelControl.class, registry);
        List<RolloutRecord> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = ItSupport.committedReader(env, topic)) {
            for (ConsumerRecord<byte[], byte[]> r : ItSupport.readAll(consumer, 1, Duration.ofMinutes(1),
                    Duration.ofSeconds(3))) {
                try {
                    if (reader.deserialize(r.topic(), r.value()).getPayload() instanceof RolloutRecord rr) {
                        out.add(rr);
                    }
                } catch (RuntimeException e) {
                    // the test's own garbage record
                }
            }
        }
        return out;
    }

    /** Three records every instance must refuse. */
    private static void writeBadRecords(EmbeddedEnvironment env, RestSchemaRegistryClient registry, String topic)
            throws Exception {
        AvroSerializer<ModelControl> serializer = new AvroSerializer<>(registry);
        byte[] forged = new byte[1000];
        String claimed = ModelArtifact.sha256(new byte[999]);
        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer = ItSupport.producer(env)) {
            for (ModelControl piece : ControlRecords.chunks("forged", claimed, forged)) {
                producer.send(new ProducerRecord<>(topic, "artifact/forged/0".getBytes(), serializer.serialize(topic,
                        piece)));
            }
            producer.send(new ProducerRecord<>(topic, "rollout/forged".getBytes(), serializer.serialize(topic,
                    ControlRecords.rollout(RolloutAction.CHALLENGER, "forged", claimed, null, null, now, "test",
                            "test", null))));
            producer.send(new ProducerRecord<>(topic, "rollout/never".getBytes(), serializer.serialize(topic,
                    ControlRecords.rollout(RolloutAction.CHAMPION, "never-published", claimed, null, null, now,
                            "test", "test", null))));
            producer.send(new ProducerRecord<>(topic, "garbage".getBytes(), "not avro".getBytes()));
            producer.flush();
        }
    }

    private static String get(EmotionStreamsApp app, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.httpPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}

package dev.emostream.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.testing.ItSupport;
import dev.emostream.app.testing.TestModels;
import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.embedded.junit.KafkaTestEnvironment;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.AccuracySnapshot;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.AvroSerializer;

/**
 * The app reaches the registry through a {@link TcpProxy} that the test cuts and restores; the registry itself
 * keeps running (and keeps its ids), so the test's own clients, talking to it directly, are unaffected.
 */
@ExtendWith(KafkaTestEnvironment.class)
@DisplayName("schema registry unavailable")
class RegistryOutageFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryOutageFaultIT.class);
    /** How long an outage lasts in these tests: several client retry rounds and stream-thread replacements. */
    private static final Duration OUTAGE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Map<String, String> props;
    private String input;
    private RestSchemaRegistryClient registry;
    private AvroSerializer<FaceFrame> serializer;
    private List<Fer2013Row> rows;
    private String modelVersion;

    private TcpProxy setUp(EmbeddedEnvironment env, String name) throws Exception {
        String run = name + UUID.randomUUID().toString().substring(0, 6);
        input = env.createTopic("faces." + run + "-cam", 1);
        Path models = dir.resolve("models");
        props = ItSupport.appProperties(env, run, dir.resolve("state"), models);
        props.put("http.port", "-1");
        env.createTopic(props.get("emotions.topic"), 1);
        env.createTopic(props.get("rejected.topic"), 1);
        env.createTopic(props.get("accuracy.topic"), 1);
        TestModels.write(models, run, 4);
        modelVersion = run;
        rows = ItSupport.rows(ItSupport.firstRows(dir, 120));
        registry = new RestSchemaRegistryClient(env.registryUrl());
        serializer = new AvroSerializer<>(registry);
        URI real = URI.create(env.registryUrl());
        TcpProxy proxy = new TcpProxy(real.getHost(), real.getPort());
        props.put("schema.registry.url", "http://127.0.0.1:" + proxy.port() + real.getPath());
        // quicker rounds than the defaults, so a 10 s outage spans several of them
        props.put("max.retries", "3");
        props.put("retries.wait.ms", "200");
        props.put("retries.max.wait.ms", "1000");
        return proxy;
    }

    private void send(KafkaProducer<byte[], byte[]> producer, int from, int to) {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(input, "cam".getBytes(),
                    serializer.serialize(input, ItSupport.frame(rows.get(i), "cam"))));
        }
        producer.flush();
    }

    private List<String> frameIds(List<ConsumerRecord<byte[], byte[]>> events) {
        AvroDeserializer<EmotionEvent> reader = new AvroDeserializer<>(EmotionEvent.class, registry);
        return events.stream().map(r -> reader.deserialize(r.topic(), r.value()).getFrameId()).toList();
    }

    @Test
    @DisplayName("at start, the app retries with backoff, says what it waits for, and classifies everything once "
            + "the registry is back")
    void downAtStart(EmbeddedEnvironment env) throws Exception {
        try (TcpProxy proxy = setUp(env, "regstart");
             FaultSupport.LogCapture log = new FaultSupport.LogCapture("dev.emostream");
             KafkaProducer<byte[], byte[]> producer = ItSupport.producer(env);
             KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(env, props.get("emotions.topic"));
             KafkaConsumer<byte[], byte[]> rejected = ItSupport.committedReader(env, props.get("rejected.topic"))) {
            send(producer, 0, 40);
            proxy.cut();
            try (EmotionStreamsApp app = FaultSupport.startApp(props)) {
                // the app asks the registry when it has a record to decode, after joining the group (slow on a busy
                // machine): wait for its first complaint, then keep the registry away a while longer
                Awaitility.await("the app says it waits for the registry").atMost(Duration.ofMinutes(3))
                        .until(() -> log.lines().stream().anyMatch(l -> l.contains("schema registry")
                                && l.contains("retrying in")));
                assertThat(ItSupport.readAll(events, 1, OUTAGE, Duration.ZERO)).as("nothing classified while down")
                        .isEmpty();
                assertThat(ItSupport.readAll(rejected, 1, Duration.ZERO, Duration.ofSeconds(1)))
                        .as("nothing dead-lettered while down").isEmpty();
                List<String> waiting = log.lines().stream().filter(l -> l.contains("schema registry")).toList();
                LOG.info("while the registry was down the app logged, e.g.:\n{}",
                        String.join("\n", waiting.subList(0, Math.min(6, waiting.size()))));
                assertThat(waiting).as("the log says which registry it waits for, and that it retries")
                        .anyMatch(l -> l.startsWith("WARN ") && l.contains(proxy.port() + "/") && l.contains("retrying in"));
                assertThat(app.streams().state().isRunningOrRebalancing()).as("still running").isTrue();

                proxy.restore();
                List<String> ids = frameIds(ItSupport.readAll(events, 40, Duration.ofMinutes(2), Duration.ofSeconds(2)));
                assertThat(ids).as("each frame classified once after the outage")
                        .containsExactlyElementsOf(rows.subList(0, 40).stream().map(r -> "row-" + r.index()).toList());
                assertThat(ItSupport.readAll(rejected, 1, Duration.ZERO, Duration.ofSeconds(1))).isEmpty();
            }
        }
    }

    @Test
    @DisplayName("mid-stream, cached schemas keep flowing; a frame with an unseen schema id waits for the registry, "
            + "not in the dead-letter topic, and is classified once it is back")
    void downMidStream(EmbeddedEnvironment env) throws Exception {
        try (TcpProxy proxy = setUp(env, "regmid");
             EmotionStreamsApp app = FaultSupport.startApp(props);
             KafkaProducer<byte[], byte[]> producer = ItSupport.producer(env);
             KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(env, props.get("emotions.topic"));
             KafkaConsumer<byte[], byte[]> rejected = ItSupport.committedReader(env, props.get("rejected.topic"))) {
            send(producer, 0, 40);
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>(
                    ItSupport.readAll(events, 40, Duration.ofMinutes(2), Duration.ZERO));
            assertThat(read).hasSize(40);
            try (KafkaConsumer<byte[], byte[]> snapshots = ItSupport.committedReader(env, props.get("accuracy.topic"))) {
                // every output schema (events, snapshots) registered and cached before the outage: the accuracy
                // step needs the registry too, and a failure there stops the whole stream thread
                AccuracySnapshot all = ItSupport.awaitSnapshot(snapshots, registry, modelVersion + "|all", 40,
                        Duration.ofMinutes(2));
                assertThat(all.getLabeled()).as("the 40 labeled frames counted").isEqualTo(40);
            }

            proxy.cut();
            send(producer, 40, 80);
            read.addAll(ItSupport.readAll(events, 40, Duration.ofMinutes(1), Duration.ZERO));
            assertThat(read).as("frames whose schema the app has cached flow during the outage").hasSize(80);

            // a writer schema the app has never seen: registered now, directly, so only the app cannot fetch it
            Schema evolved = withExtraOptionalField(FaceFrame.getClassSchema());
            int newId = registry.register(input + "-value", evolved);
            byte[] known = serializer.serialize(input, ItSupport.frame(rows.get(80), "cam"));
            // Avro binary: a field appended at the end is appended to the encoding; union branch 0 (null) is one 0
            byte[] unseen = ByteBuffer.allocate(known.length + 1).put(known).putInt(1, newId).put(known.length, (byte) 0)
                    .array();
            producer.send(new ProducerRecord<>(input, "cam".getBytes(), unseen));
            producer.flush();

            assertThat(ItSupport.readAll(events, 1, OUTAGE, Duration.ZERO)).as("the unseen-id frame waits").isEmpty();
            assertThat(ItSupport.readAll(rejected, 1, Duration.ZERO, Duration.ofSeconds(1)))
                    .as("and is not taken for bad data").isEmpty();

            proxy.restore();
            read.addAll(ItSupport.readAll(events, 1, Duration.ofMinutes(2), Duration.ofSeconds(3)));
            assertThat(frameIds(read)).as("every frame once, in order, the unseen-id one last")
                    .containsExactlyElementsOf(rows.subList(0, 81).stream().map(r -> "row-" + r.index()).toList());
            assertThat(ItSupport.readAll(rejected, 1, Duration.ZERO, Duration.ofSeconds(1))).isEmpty();
            assertThat(app.streams().state().isRunningOrRebalancing()).isTrue();
        }
    }

    private static Schema withExtraOptionalField(Schema schema) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(schema.toString());
        ObjectNode field = json.createObjectNode();
        field.put("name", "faultNote");
        field.set("type", json.createArrayNode().add("null").add("string"));
        field.putNull("default");
        ((ArrayNode) root.get("fields")).add(field);
        return new Schema.Parser().parse(json.writeValueAsString(root));
    }
}

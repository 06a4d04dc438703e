package dev.emostream.app.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.config.ConfigLoader;
import dev.emostream.app.topology.DeadLetterHeaders;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.AccuracySnapshot;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.AvroSerializer;
import dev.emostream.trainer.cli.TrainerCli;

/**
 * The main end-to-end scenario: labeled faces and malformed records in; exactly one event per face, one dead letter
 * per malformed record with its reason, and the accuracy `trainer evaluate` computes for the same faces and model.
 * Run against the embedded broker and registry ({@code EmotionStreamsAppIT}) and against containers
 * ({@code KafkaRegistryContainersIT}).
 */
public final class EndToEndScenario {

    private static final Logger LOG = LoggerFactory.getLogger(EndToEndScenario.class);
    private static final int FACES = 1000;
    private static final int MALFORMED = 50;

    private EndToEndScenario() {
    }

    /** Runs the scenario in {@code dir} on {@code cluster}, under topic and application names of its own. */
    public static void run(TestCluster cluster, Path dir) throws Exception {
        String run = "e2e" + UUID.randomUUID().toString().substring(0, 6);
        String input = cluster.createTopic("faces." + run + "-cams", 2);
        Map<String, String> props = ItSupport.appProperties(cluster.bootstrapServers(), cluster.registryUrl(), run,
                dir.resolve("state"), dir.resolve("models"));
        for (String topic : List.of(props.get("emotions.topic"), props.get("accuracy.topic"), props.get("rejected.topic"))) {
            cluster.createTopic(topic, 1);
        }
        Path artifact = TestModels.write(dir.resolve("models"), "it-" + run, 7);
        Path csv = ItSupport.firstRows(dir, FACES);
        List<Fer2013Row> rows = ItSupport.rows(csv);
        assertThat(rows).hasSize(FACES);

        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(cluster.registryUrl());
        AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(registry);
        Map<String, Integer> malformedByReason = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = ItSupport.producer(cluster.bootstrapServers())) {
            for (int i = 0; i < rows.size(); i++) {
                String source = i % 2 == 0 ? "cam-a" : "cam-b";
                FaceFrame frame = ItSupport.frame(rows.get(i), source);
                producer.send(new ProducerRecord<>(input, source.getBytes(), serializer.serialize(input, frame)));
                if (i % 20 == 0) {
                    byte[][] bad = malformed(serializer, input, i / 20, malformedByReason);
                    producer.send(new ProducerRecord<>(input, source.getBytes(), bad[0]));
                }
            }
        }
        assertThat(malformedByReason.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(MALFORMED);

        List<String> overrides = props.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        try (EmotionStreamsApp app = EmotionStreamsApp.create(ConfigLoader.load(null, Map.of(), overrides)).start();
             KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(cluster.bootstrapServers(), props.get("emotions.topic"));
             KafkaConsumer<byte[], byte[]> dead = ItSupport.committedReader(cluster.bootstrapServers(), props.get("rejected.topic"));
             KafkaConsumer<byte[], byte[]> snapshots = ItSupport.committedReader(cluster.bootstrapServers(), props.get("accuracy.topic"))) {

            List<ConsumerRecord<byte[], byte[]>> eventRecords = ItSupport.readAll(events, FACES, Duration.ofMinutes(3),
                    Duration.ofSeconds(2));
            List<ConsumerRecord<byte[], byte[]>> deadRecords = ItSupport.readAll(dead, MALFORMED, Duration.ofSeconds(30),
                    Duration.ofSeconds(1));

            AvroDeserializer<EmotionEvent> eventReader = new AvroDeserializer<>(EmotionEvent.class, registry);
            List<EmotionEvent> decoded = eventRecords.stream()
                    .map(r -> eventReader.deserialize(r.topic(), r.value())).toList();
            assertThat(decoded).hasSize(FACES);
            assertThat(decoded.stream().map(EmotionEvent::getFrameId).collect(Collectors.toSet())).hasSize(FACES);
            assertThat(decoded).allSatisfy(e -> assertThat(e.getModelVersion()).isEqualTo("it-" + run));
            assertThat(decoded.stream().map(EmotionEvent::getPredicted).distinct().count())
                    .as("the test model predicts many classes, so equal confusion matrices mean something")
                    .isGreaterThanOrEqualTo(5);
            assertThat(eventRecords).allSatisfy(r -> assertThat(new String(r.key()))
                    .isEqualTo(eventReader.deserialize(r.topic(), r.value()).getSourceId()));

            // every event's latency in the histogram of its model version; p50 and p99 of the last minute on /health
            assertThat(get(app, "/metrics").body()).contains("emostream_event_latency_seconds_bucket{model_version=\"it-"
                    + run + "\",le=\"+Inf\"} " + FACES);
            JsonNode latency = new ObjectMapper().readTree(get(app, "/health").body()).get("eventLatency")
                    .get("byModelVersion").get("it-" + run);
            assertThat(latency.get("p50Ms").asDouble()).isPositive().isLessThanOrEqualTo(latency.get("p99Ms").asDouble());

            assertThat(deadRecords).hasSize(MALFORMED);
            Map<String, Integer> deadByReason = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : deadRecords) {
                deadByReason.merge(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON), 1, Integer::sum);
                assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.TOPIC)).isEqualTo(input);
            }
            assertThat(deadByReason).isEqualTo(malformedByReason);

            JsonNode expected = trainerEvaluate(csv, artifact);
            AccuracySnapshot overall = ItSupport.awaitSnapshot(snapshots, registry, "it-" + run + "|all", FACES, Duration.ofSeconds(30));
            LOG.info("trainer evaluate: {} correct of {}; the app: {} correct of {} labeled", expected.get("correct"),
                    expected.get("n"), overall.getCorrect(), overall.getLabeled());
            assertThat(overall.getLabeled()).isEqualTo(FACES);
            assertThat(overall.getSeen()).isEqualTo(FACES);
            assertThat(overall.getCorrect()).isEqualTo(expected.get("correct").asLong());
            assertThat(overall.getConfusion()).containsExactlyElementsOf(flatten(expected.get("confusion")));

            HttpResponse<String> accuracy = get(app, "/accuracy");
            assertThat(accuracy.statusCode()).isEqualTo(200);
            assertThat(accuracy.body()).contains("\"scope\" : \"source:cam-a\"", "\"scope\" : \"source:cam-b\"");
            assertThat(app.metrics().classifiedCount()).isEqualTo(FACES);

            // /health reads the lag from the consumers' own metrics: everything read, both input partitions at 0
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(app, "/health").body())
                    .contains("\"records\" : 0,", "\"maxPartition\" : 0,", "\"partitions\" : 2",
                            "\"alive\" : 1", "\"configured\" : 1", "\"failed\" : 0"));
        }
    }

    private static HttpResponse<String> get(EmotionStreamsApp app, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort()
                + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One malformed record of five kinds in turn; counts what it made by the reason it should get. */
    private static byte[][] malformed(AvroSerializer<FaceFrame> serializer, String topic, int i, Map<String, Integer> count) {
        FaceFrame good = FaceFrame.newBuilder().setFrameId("bad-" + i).setSourceId("cam-x")
                .setCaptureTime(java.time.Instant.now()).setWidth(48).setHeight(48)
                .setPixels(java.nio.ByteBuffer.wrap(new byte[48 * 48])).setTrueLabel(null).build();
        byte[] bytes;
        String reason;
        switch (i % 5) {
            case 0 -> {
                byte[] valid = serializer.serialize(topic, good);
                bytes = Arrays.copyOf(valid, valid.length / 2);
                reason = "MALFORMED_AVRO";
            }
            case 1 -> {
                bytes = ("{\"frameId\":\"bad-" + i + "\"}").getBytes(StandardCharsets.UTF_8);
                reason = "BAD_MAGIC_BYTE";
            }
            case 2 -> {
                bytes = new byte[0];
                reason = "EMPTY_PAYLOAD";
            }
            case 3 -> {
                good.setPixels(java.nio.ByteBuffer.wrap(new byte[2303]));
                bytes = serializer.serialize(topic, good);
                reason = "SIZE_MISMATCH";
            }
            default -> {
                good.setWidth(4);
                good.setHeight(4);
                good.setPixels(java.nio.ByteBuffer.wrap(new byte[16]));
                bytes = serializer.serialize(topic, good);
                reason = "SIZE_OUT_OF_BOUNDS";
            }
        }
        count.merge(reason, 1, Integer::sum);
        return new byte[][]{bytes};
    }

    /** What `trainer evaluate --json` says about the same faces and the same artifact. */
    private static JsonNode trainerEvaluate(Path csv, Path artifact) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = TrainerCli.commandLine().execute("evaluate", "--data", csv.toString(), "--model",
                    artifact.toString(), "--json");
        } finally {
            System.setOut(original);
        }
        assertThat(code).as("trainer evaluate exit code").isZero();
        String out = captured.toString(StandardCharsets.UTF_8);
        return new ObjectMapper().readTree(out.substring(out.indexOf('{')));
    }

    private static List<Long> flatten(JsonNode rows) {
        List<Long> cells = new ArrayList<>();
        rows.forEach(row -> row.forEach(cell -> cells.add(cell.asLong())));
        return cells;
    }
}

package dev.emostream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.config.ConfigLoader;
import dev.emostream.app.testing.CliRun;
import dev.emostream.app.testing.ItSupport;
import dev.emostream.app.testing.TestModels;
import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.embedded.junit.KafkaTestEnvironment;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.serde.AvroSerializer;
import dev.emostream.trainer.cli.TrainerCli;

@ExtendWith(KafkaTestEnvironment.class)
@DisplayName("replay and submission through the running app")
class ReplaySubmissionIT {

    private static final Logger LOG = LoggerFactory.getLogger(ReplaySubmissionIT.class);
    private static final int FACES = 300;
    private static final int REPEATED = 15;

    @TempDir
    Path dir;

    @Test
    @DisplayName("300 replayed faces give a submission with one row per face in CSV order, equal to `trainer predict`,"
            + " and the accuracy `trainer evaluate` gives, even with repeated frames in the topic")
    void replayThenSubmission(EmbeddedEnvironment env) throws Exception {
        String run = "rs" + UUID.randomUUID().toString().substring(0, 6);
        String topic = env.createTopic("faces." + run + "-replay", 1);
        Map<String, String> props = ItSupport.appProperties(env, run, dir.resolve("state"), dir.resolve("models"));
        for (String t : List.of(props.get("emotions.topic"), props.get("accuracy.topic"), props.get("rejected.topic"))) {
            env.createTopic(t, 2);
        }
        Path artifact = TestModels.write(Files.createDirectories(dir.resolve("models")), "it-" + run, 11);
        Path csv = ItSupport.firstRows(dir, FACES);
        List<Fer2013Row> rows = ItSupport.rows(csv);
        Path config = writeConfig(props);
        String source = "replay-" + run;

        List<String> overrides = props.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        try (EmotionStreamsApp app = EmotionStreamsApp.create(ConfigLoader.load(null, Map.of(), overrides)).start()) {
            CliRun replay = CliRun.of("replay", "--config", config.toString(), "--data", csv.toString(), "--topic", topic,
                    "--source", source, "--max");
            assertThat(replay.code()).as(replay.err()).isZero();
            assertThat(replay.out()).contains("replay: frames=" + FACES + " labeled=" + FACES + " malformed=0");

            // a producer without idempotence that retried: the same frames again, same key, same ids
            repeatFrames(env, topic, rows.subList(0, REPEATED), source);
            // every event committed before the submission reads, so it meets every repeat (it may finish before)
            try (var events = ItSupport.committedReader(env, props.get("emotions.topic"))) {
                assertThat(ItSupport.readAll(events, FACES + REPEATED, java.time.Duration.ofMinutes(3),
                        java.time.Duration.ZERO)).hasSize(FACES + REPEATED);
            }

            CliRun submission = CliRun.of("submission", "--config", config.toString(), "--topic", topic, "--out",
                    dir.resolve("submission.csv").toString(), "--expect", String.valueOf(FACES), "--timeout", "180");
            LOG.info("submission output:\n{}", submission.out());
            assertThat(submission.code()).as(submission.err()).isZero();

            List<String> lines = Files.readAllLines(dir.resolve("submission.csv"));
            assertThat(lines).hasSize(FACES + 1);
            assertThat(lines.get(0)).isEqualTo("id,emotion");
            assertThat(lines.subList(1, lines.size())).extracting(l -> l.substring(0, l.indexOf(',')))
                    .containsExactlyElementsOf(rows.stream().map(Fer2013Row::id).toList());

            Path predicted = dir.resolve("predict.csv");
            trainer("predict", "--data", csv.toString(), "--model", artifact.toString(), "--out", predicted.toString());
            assertThat(lines).as("the stream's submission equals `trainer predict` on the same faces and model")
                    .containsExactlyElementsOf(Files.readAllLines(predicted));

            var expected = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json(trainer("evaluate", "--data",
                    csv.toString(), "--model", artifact.toString(), "--json")));
            Matcher m = Pattern.compile("accuracy: +[0-9.]+ \\((\\d+) of (\\d+) labeled frames\\)").matcher(submission.out());
            assertThat(m.find()).as(submission.out()).isTrue();
            assertThat(Long.parseLong(m.group(1))).isEqualTo(expected.get("correct").asLong());
            assertThat(Long.parseLong(m.group(2))).isEqualTo(FACES);
            assertThat(submission.out()).contains("note: " + REPEATED + " repeated events");
            assertThat(submission.out().strip().lines().reduce((a, b) -> b).orElseThrow())
                    .startsWith("submission: frames=" + FACES + " accuracy=")
                    .endsWith("submission=" + dir.resolve("submission.csv").toAbsolutePath());
        }
    }

    private Path writeConfig(Map<String, String> props) throws Exception {
        Properties p = new Properties();
        p.putAll(props);
        Path file = dir.resolve("app.properties");
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "ReplaySubmissionIT");
        }
        return file;
    }

    private static void repeatFrames(EmbeddedEnvironment env, String topic, List<Fer2013Row> rows, String source) {
        AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(new RestSchemaRegistryClient(env.registryUrl()));
        try (KafkaProducer<byte[], byte[]> producer = ItSupport.producer(env)) {
            for (Fer2013Row row : rows) {
                FaceFrame frame = FaceReplay.frame(row, source, java.time.Clock.systemUTC());
                producer.send(new ProducerRecord<>(topic, source.getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(topic, frame)));
            }
        }
    }

    private static String trainer(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = TrainerCli.commandLine().execute(args);
        } finally {
            System.setOut(original);
        }
        assertThat(code).as("trainer " + args[0] + " exit code").isZero();
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static String json(String out) {
        return out.substring(out.indexOf('{'));
    }
}

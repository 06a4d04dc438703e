package dev.emostream.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.cli.StreamsAppCli;
import dev.emostream.app.model.ModelWatcher;
import dev.emostream.app.testing.ItSupport;
import dev.emostream.app.testing.TestModels;
import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.embedded.junit.KafkaTestEnvironment;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.AvroSerializer;
import picocli.CommandLine;

@ExtendWith(KafkaTestEnvironment.class)
@DisplayName("bad model artifacts")
class BadModelFaultIT {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(BadModels.class)
    @DisplayName("at start, `streams-app run` refuses the artifact with one line and exit code 2, before Kafka")
    void refusedAtStart(BadModels kind) throws Exception {
        Path file = kind.write(dir, "bad-" + kind.name().toLowerCase());
        CommandLine cli = StreamsAppCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));

        // nothing listens on port 1: the model must be refused before Kafka is contacted, or this would hang
        int exit = cli.execute("run", "--property", "model.path=" + file, "--property", "bootstrap.servers=localhost:1",
                "--property", "http.port=-1");

        List<String> lines = err.toString().lines().filter(l -> !l.isBlank()).toList();
        assertThat(exit).isEqualTo(StreamsAppCli.EXIT_BAD_MODEL);
        assertThat(lines).as("one line saying why").hasSize(1);
        assertThat(lines.get(0)).startsWith("streams-app run: model artifact " + file)
                .containsAnyOf("corrupt", "truncated", "incompatible", "Kaggle order", "no model.json", "no network");
    }

    @Test
    @DisplayName("at start, a child JVM given a truncated artifact exits 2 with that line and no stack trace")
    void refusedAtStartByTheProcess() throws Exception {
        Path file = BadModels.TRUNCATED.write(dir, "cut");
        Path log = dir.resolve("run.log");

        Process app = FaultSupport.childApp(log, "run", "--property", "model.path=" + file,
                "--property", "bootstrap.servers=localhost:1", "--property", "http.port=-1");

        assertThat(app.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as("exits by itself").isTrue();
        String output = Files.readString(log);
        assertThat(app.exitValue()).as(output).isEqualTo(2);
        assertThat(output).contains("streams-app run: model artifact " + file).doesNotContain("\tat ");
    }

    @Test
    @DisplayName("at swap time, each bad artifact is refused while the old model keeps serving; a good one still swaps")
    void refusedAtSwap(EmbeddedEnvironment env) throws Exception {
        String run = "badswap" + UUID.randomUUID().toString().substring(0, 6);
        String input = env.createTopic("faces." + run + "-cam", 1);
        Path models = dir.resolve("models");
        Map<String, String> props = ItSupport.appProperties(env, run, dir.resolve("state"), models);
        props.put("model.watch.interval.ms", "200");
        props.put("http.port", "-1");
        env.createTopic(props.get("emotions.topic"), 1);
        Path v1 = TestModels.write(models, "good-v1", 1);
        Files.setLastModifiedTime(v1, FileTime.from(Instant.now().minusSeconds(600)));
        List<Fer2013Row> rows = ItSupport.rows(ItSupport.firstRows(dir, 150));

        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(env.registryUrl());
        AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(registry);
        AvroDeserializer<EmotionEvent> reader = new AvroDeserializer<>(EmotionEvent.class, registry);
        try (FaultSupport.LogCapture watcherLog = new FaultSupport.LogCapture(ModelWatcher.class.getName());
             EmotionStreamsApp app = FaultSupport.startApp(props);
             KafkaProducer<byte[], byte[]> producer = ItSupport.producer(env);
             KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(env, props.get("emotions.topic"))) {
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            int sent = 0;
            int age = 500;
            for (BadModels kind : BadModels.values()) {
                // written elsewhere, then renamed into place (as ModelArtifact.write does), each the newest when it lands
                Path staged = kind.write(Files.createDirectories(dir.resolve("staging")), "bad-" + kind.name().toLowerCase());
                Files.setLastModifiedTime(staged, FileTime.from(Instant.now().minusSeconds(age -= 100)));
                Path bad = Files.move(staged, models.resolve(staged.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                Awaitility.await(kind.name() + " refused").atMost(Duration.ofSeconds(60))
                        .until(() -> watcherLog.lines().stream().anyMatch(l -> l.contains("refused model artifact " + bad)));
                for (int i = 0; i < 25; i++, sent++) {
                    producer.send(new ProducerRecord<>(input, "cam".getBytes(),
                            serializer.serialize(input, ItSupport.frame(rows.get(sent), "cam"))));
                }
                producer.flush();
                read.addAll(ItSupport.readAll(events, sent - read.size(), Duration.ofMinutes(1), Duration.ZERO));
                assertThat(app.models().current().version()).isEqualTo("good-v1");
            }
            assertThat(watcherLog.lines()).filteredOn(l -> l.contains("refused model artifact"))
                    .as("one refusal per bad artifact, each naming the model still serving")
                    .hasSize(BadModels.values().length)
                    .allMatch(l -> l.startsWith("WARN ") && l.endsWith("still serving good-v1"));

            TestModels.write(models, "good-v2", 2);
            Awaitility.await("good-v2 swapped in").atMost(Duration.ofSeconds(60))
                    .until(() -> app.models().current().version().equals("good-v2"));
            for (int i = 0; i < 50; i++, sent++) {
                producer.send(new ProducerRecord<>(input, "cam".getBytes(),
                        serializer.serialize(input, ItSupport.frame(rows.get(sent), "cam"))));
            }
            producer.flush();
            read.addAll(ItSupport.readAll(events, sent - read.size(), Duration.ofMinutes(1), Duration.ofSeconds(1)));

            List<String> versions = read.stream().map(r -> reader.deserialize(r.topic(), r.value()).getModelVersion())
                    .toList();
            assertThat(versions).hasSize(sent);
            assertThat(versions.subList(0, 100)).as("the frames sent while bad artifacts arrived").containsOnly("good-v1");
            assertThat(versions.subList(100, sent)).as("the frames sent after the good swap").containsOnly("good-v2");
        }
    }
}

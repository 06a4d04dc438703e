package dev.emostream.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.testing.ItSupport;
import dev.emostream.app.testing.TestModels;
import dev.emostream.embedded.EmbeddedSchemaRegistry;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.AccuracySnapshot;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.AvroSerializer;

/** A broker of its own (the shared one must not go away), stopped and started again on its ports while frames flow. */
@DisplayName("broker restart mid-stream")
class BrokerRestartFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerRestartFaultIT.class);
    private static final int FRAMES = 1000;
    private static final int BAD_EVERY = 20;
    private static final Duration DOWN = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    @Test
    @DisplayName("the app recovers by itself; every input in exactly one output, once; accuracy counts each labeled "
            + "frame once")
    void restartWhileFlowing() throws Exception {
        String run = "brk";
        int bad = FRAMES / BAD_EVERY;
        int good = FRAMES - bad;
        try (RestartableBroker broker = new RestartableBroker(dir.resolve("broker"));
             EmbeddedSchemaRegistry registryProcess = EmbeddedSchemaRegistry.start()) {
            broker.start();
            String bootstrap = broker.bootstrapServers();
            String input = "faces." + run + "-cams";
            broker.createTopic(input, 2);
            Path models = dir.resolve("models");
            Map<String, String> props = FaultSupport.appProperties(bootstrap, registryProcess.url(), run,
                    dir.resolve("state"), models);
            broker.createTopic(props.get("emotions.topic"), 2);
            broker.createTopic(props.get("accuracy.topic"), 1);
            broker.createTopic(props.get("rejected.topic"), 1);
            TestModels.write(models, "brk-v1", 3);
            List<Fer2013Row> rows = ItSupport.rows(ItSupport.firstRows(dir, FRAMES));

            RestSchemaRegistryClient registry = new RestSchemaRegistryClient(registryProcess.url());
            AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(registry);
            AvroDeserializer<EmotionEvent> eventReader = new AvroDeserializer<>(EmotionEvent.class, registry);
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            try (EmotionStreamsApp app = FaultSupport.startApp(props);
                 KafkaProducer<byte[], byte[]> producer = FaultSupport.producer(bootstrap)) {
                CompletableFuture<Void> sending = FaultSupport.sendWithBadFrames(producer, serializer, input, rows,
                        BAD_EVERY, 20);
                try (KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(bootstrap,
                        props.get("emotions.topic"))) {
                    read.addAll(ItSupport.readAll(events, 200, Duration.ofMinutes(3), Duration.ZERO));
                }
                assertThat(read.size()).as("restart mid-stream").isBetween(200, good - 1);
                long t0 = System.nanoTime();
                broker.stop();
                LOG.info("broker stopped after {} committed events", read.size());
                FaultSupport.pause(DOWN.toMillis());
                broker.start();
                LOG.info("broker back after {} ms", (System.nanoTime() - t0) / 1_000_000);
                sending.join();

                try (KafkaConsumer<byte[], byte[]> events = ItSupport.committedReader(bootstrap,
                        props.get("emotions.topic"));
                     KafkaConsumer<byte[], byte[]> rejected = ItSupport.committedReader(bootstrap,
                             props.get("rejected.topic"));
                     KafkaConsumer<byte[], byte[]> snapshots = ItSupport.committedReader(bootstrap,
                             props.get("accuracy.topic"))) {
                    // read everything again from the start: the broker kept its data
                    List<ConsumerRecord<byte[], byte[]>> all = ItSupport.readAll(events, good, Duration.ofMinutes(5),
                            Duration.ofSeconds(3));
                    List<ConsumerRecord<byte[], byte[]>> deadLetters = ItSupport.readAll(rejected, bad,
                            Duration.ofMinutes(1), Duration.ofSeconds(1));
                    List<String> ids = all.stream().map(r -> eventReader.deserialize(r.topic(), r.value()).getFrameId())
                            .toList();
                    assertThat(new HashSet<>(ids)).as("no frame lost").hasSize(good);
                    assertThat(ids).as("none duplicated for a read_committed reader").hasSize(good);
                    assertThat(deadLetters).as("every bad record dead-lettered once").hasSize(bad)
                            .allMatch(r -> "SIZE_MISMATCH".equals(FaultSupport.reason(r)));

                    AccuracySnapshot last = ItSupport.awaitSnapshot(snapshots, registry, "brk-v1|all", good, Duration.ofSeconds(60));
                    assertThat(last.getLabeled()).as("accuracy counts each labeled frame once").isEqualTo(good);
                }
                Awaitility.await("back to RUNNING").atMost(Duration.ofMinutes(1))
                        .until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
            }
        }
    }
}

package dev.emostream.app.rollout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.emostream.app.config.AppConfig;
import dev.emostream.app.replay.KafkaOptions;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.schemas.ModelControl;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import dev.emostream.schemas.serde.AvroSerializer;

/**
 * The {@code models} commands' side of the control topic: reads it to its end and folds it as every instance does
 * ({@link ControlLog}, with the same artifact verification), and writes records in one transaction, so the pieces of
 * an artifact and the record that names it become visible together or not at all. Commands on one topic take turns:
 * the producer's transactional id is the topic's, and it is initialized before the topic is read, so a command started
 * later fences one still running (its commit fails) and reads what an earlier one committed. Two publishes of one
 * version at once would otherwise both write its pieces and a CHALLENGER record, and compaction could later leave an
 * instance that reads the topic from the start with the other record than the running ones.
 */
public final class ControlTopicClient implements AutoCloseable {

    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    /** A record to write and its key. */
    public record Keyed(String key, ModelControl value) {
    }

    private final AppConfig config;
    private final String topic;
    private final SchemaRegistryClient registry;
    private final Path artifacts;
    private final ControlReader reader;
    private final KafkaProducer<String, ModelControl> producer;

    public ControlTopicClient(AppConfig config, ControlReader.Listener listener) throws java.io.IOException {
        this.config = config;
        this.topic = config.rolloutSettings().controlTopic();
        this.registry = KafkaOptions.registry(config);
        try (Admin admin = Admin.create(KafkaOptions.admin(config))) {
            ControlTopic.ensure(admin, topic);
        }
        this.producer = producer(config, topic, registry);
        try {
            this.artifacts = Files.createTempDirectory("emostream-models-cli");
            ControlLog log = new ControlLog(artifacts, a -> ModelArtifact.load(a.file()).metadata().version());
            this.reader = new ControlReader(ControlTopic.consumer(KafkaOptions.consumer(config),
                    "emostream-models-cli-" + UUID.randomUUID()), registry, topic, log, listener);
        } catch (java.io.IOException | RuntimeException e) {
            producer.close();
            throw e;
        }
    }

    public String topic() {
        return topic;
    }

    /** Reads what was committed since the last call (everything, the first time) and returns the folded log. */
    public ControlLog read() {
        reader.readToEnd(READ_TIMEOUT);
        return reader.log();
    }

    /**
     * Writes {@code records} in one transaction.
     *
     * @return the offset of the last one
     */
    public long write(List<Keyed> records) {
        try {
            producer.beginTransaction();
            List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
            for (Keyed r : records) {
                sent.add(producer.send(new ProducerRecord<>(topic, 0, r.key(), r.value())));
            }
            producer.commitTransaction();
            return sent.get(sent.size() - 1).get().offset();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot write to control topic " + topic + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to control topic " + topic, e);
        } catch (KafkaException e) {
            throw new IllegalStateException("cannot write to control topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code records} in one transaction, the rollout record last, then reads them back as every instance will
     * and returns that record's entry.
     *
     * @throws RolloutCommandException when the instances will refuse it (with their reason)
     */
    public RolloutState.Entry publish(List<Keyed> records) {
        long offset = write(records);
        // commitTransaction returns once the commit is decided; the markers that let a read_committed reader past the
        // records follow, so the end offset read right after it can still be the old one: read until past the record
        ControlLog log = reader.readPast(offset, READ_TIMEOUT);
        RolloutState.Entry entry = log.state().history().stream().filter(e -> e.offset() == offset).findFirst()
                .orElseThrow(() -> new IllegalStateException("record " + offset + " written to " + topic
                        + " but not read back"));
        if (!entry.accepted()) {
            throw new RolloutCommandException("record " + offset + " on " + topic + " is refused: " + entry.refusal());
        }
        return entry;
    }

    /** The topic's transactional producer, initialized: any command still running on the topic is fenced from here on. */
    private static KafkaProducer<String, ModelControl> producer(AppConfig config, String topic,
                                                                SchemaRegistryClient registry) {
        Properties p = KafkaOptions.producer(config);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "emostream-models-cli-" + topic);
        AvroSerializer<ModelControl> serializer = new AvroSerializer<>(registry);
        serializer.configure(config.registryProperties(), false);
        KafkaProducer<String, ModelControl> producer = new KafkaProducer<>(p, new StringSerializer(), serializer);
        try {
            producer.initTransactions();
            return producer;
        } catch (KafkaException e) {
            producer.close();
            throw new IllegalStateException("cannot write to control topic " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
        reader.close();
        try (Stream<Path> files = Files.walk(artifacts)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException e) {
            // a temp folder left behind
        }
    }
}

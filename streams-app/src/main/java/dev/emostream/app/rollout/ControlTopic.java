package dev.emostream.app.rollout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control topic on the cluster: one partition, so every reader applies the records in the one order that makes
 * every instance's state the same; compacted, so it keeps the latest value of each key forever, which is every
 * record here since each key is written once (artifact pieces, rollout records). Created by the app and the
 * {@code models} commands when missing, as the app's other topics are by Kafka Streams.
 */
public final class ControlTopic {

    private static final Logger LOG = LoggerFactory.getLogger(ControlTopic.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private ControlTopic() {
    }

    public static TopicPartition partition(String topic) {
        return new TopicPartition(topic, 0);
    }

    /**
     * Creates the control topic when missing; refuses one with several partitions.
     *
     * @throws IllegalStateException with a one-line reason
     */
    public static void ensure(Admin admin, String topic) {
        Optional<TopicDescription> existing = describe(admin, topic);
        if (existing.isEmpty()) {
            create(admin, new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            LOG.info("created control topic {} (1 partition, compacted)", topic);
            return;
        }
        int partitions = existing.get().partitions().size();
        if (partitions != 1) {
            throw new IllegalStateException("control topic " + topic + " has " + partitions + " partitions; it needs "
                    + "exactly one, so that every instance applies its records in the same order");
        }
        String policy = cleanupPolicy(admin, topic);
        if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT) || policy.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
            LOG.warn("control topic {} has cleanup.policy={}: a deleting policy drops artifacts and rollout records "
                    + "after retention.ms; set cleanup.policy=compact", topic, policy);
        }
    }

    /** Creates the shadow topic when missing, with as many partitions as the events topic (one if that is missing). */
    public static void ensureShadow(Admin admin, String shadowTopic, String emotionsTopic) {
        if (describe(admin, shadowTopic).isPresent()) {
            return;
        }
        int partitions = describe(admin, emotionsTopic).map(d -> d.partitions().size()).orElse(1);
        create(admin, new NewTopic(shadowTopic, Optional.of(partitions), Optional.empty()));
        LOG.info("created shadow topic {} with {} partition(s), as {}", shadowTopic, partitions, emotionsTopic);
    }

    /**
     * A consumer of the control topic for one reader: no group (every reader reads everything), read_committed (a
     * publish is one transaction: pieces and record together, or nothing), from the start.
     */
    public static KafkaConsumer<byte[], byte[]> consumer(Properties clientProperties, String clientId) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Optional<TopicDescription> describe(Admin admin, String topic) {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot describe topic " + topic + ": no answer within " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
    }

    private static String cleanupPolicy(Admin admin, String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = admin.describeConfigs(List.of(resource)).all()
                    .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(resource);
            return config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
        } catch (ExecutionException | TimeoutException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static void create(Admin admin, NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(),
                        e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + topic.name() + ": no answer within "
                    + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic.name(), e);
        }
    }
}

package dev.emostream.embedded;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Broker settings that make one KRaft node behave like a cluster for Kafka Streams with exactly_once_v2:
 * every internal topic (consumer offsets, transaction state, share-group state) at replication factor 1
 * with min ISR 1, otherwise transactional producers wait forever for replicas that do not exist.
 * Used by {@link EmbeddedKafkaBroker} (demo) and by the JUnit extension (tests), so both behave alike.
 */
public final class SingleNodeConfig {

    private SingleNodeConfig() {
    }

    /** A fresh, mutable copy. */
    public static Map<String, String> brokerDefaults() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("offsets.topic.replication.factor", "1");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("default.replication.factor", "1");
        c.put("min.insync.replicas", "1");
        // the first consumer group would otherwise wait 3 s for more members that never come
        c.put("group.initial.rebalance.delay.ms", "0");
        // 50 partitions each (the defaults) make the first group join and first transaction slow on 2 cores
        c.put("offsets.topic.num.partitions", "5");
        c.put("transaction.state.log.num.partitions", "5");
        // the log cleaner allocates its dedupe buffer on the heap up front: 128 MiB by default
        c.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        c.put("num.partitions", "1");
        return c;
    }
}

package dev.emostream.app.faults;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group is behind on one topic: end offsets minus the group's committed offsets, summed over
 * the partitions, read with {@link Admin} as an operator's lag exporter would. Under exactly-once the app commits
 * its input offsets in the same transaction as its output, so lag 0 means every input record's output is
 * committed.
 */
final class ConsumerLag implements AutoCloseable {

    private static final long ANSWER_SECONDS = 5;

    private final Admin admin;
    private final String group;
    private final List<TopicPartition> partitions;

    ConsumerLag(String bootstrap, String group, String topic, int partitionCount) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(ANSWER_SECONDS),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000));
        this.group = group;
        this.partitions = java.util.stream.IntStream.range(0, partitionCount)
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    /** Records not yet committed by the group, or -1 when the broker does not answer in time (it is down). */
    long total() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(ANSWER_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(ANSWER_SECONDS, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                // nothing committed yet: the group starts from the beginning (auto.offset.reset=earliest)
                lag += ends.get(tp).offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Polls until the lag is 0; false when {@code timeoutMs} passes first. */
    boolean awaitZero(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            if (total() == 0) {
                return true;
            }
            FaultSupport.pause(250);
        }
        return total() == 0;
    }

    @Override
    public void close() {
        admin.close();
    }
}

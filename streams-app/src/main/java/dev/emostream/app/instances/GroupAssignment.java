package dev.emostream.app.instances;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Which partitions of one topic each app instance holds, read from the application's consumer group (the group id
 * is {@code application.id}). Instances are told apart by their {@code client.id}: Kafka Streams names each stream
 * thread's consumer {@code <client.id>-StreamThread-<n>-consumer}, so {@code client.id=<instance name>} makes the
 * instance name the prefix of its members' client ids.
 *
 * @param partitions by instance name, the partition numbers of the topic its active tasks read
 */
public record GroupAssignment(Map<String, Set<Integer>> partitions) {

    /**
     * The current assignment of {@code topic} in group {@code applicationId}, by instance ({@code instances}); empty
     * before the first member joined.
     */
    public static GroupAssignment read(Admin admin, String applicationId, String topic, List<String> instances)
            throws InterruptedException {
        ConsumerGroupDescription group;
        try {
            group = admin.describeConsumerGroups(List.of(applicationId)).all().get(10, TimeUnit.SECONDS)
                    .get(applicationId);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return new GroupAssignment(Map.of());
            }
            throw new IllegalStateException("cannot describe consumer group " + applicationId + ": " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot describe consumer group " + applicationId + ": " + e, e);
        }
        Map<String, Set<Integer>> byInstance = new TreeMap<>();
        for (MemberDescription member : group.members()) {
            String instance = instances.stream().filter(i -> member.clientId().startsWith(i + "-")).findFirst()
                    .orElse(member.clientId());
            Set<Integer> held = byInstance.computeIfAbsent(instance, k -> new TreeSet<>());
            member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic))
                    .map(TopicPartition::partition).forEach(held::add);
        }
        return new GroupAssignment(byInstance);
    }

    /**
     * Reads the assignment until {@code settled} holds for it (a rebalance takes seconds, and a group reports its
     * old members until then); fails with the last one seen after {@code timeout}.
     */
    public static GroupAssignment await(Admin admin, String applicationId, String topic, List<String> instances,
                                        Predicate<GroupAssignment> settled, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        GroupAssignment last = null;
        while (System.nanoTime() < deadline) {
            last = read(admin, applicationId, topic, instances);
            if (settled.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("consumer group " + applicationId + " did not settle within " + timeout
                + "; last assignment of " + topic + ": " + last);
    }

    /** Every one of the topic's {@code count} partitions held by exactly one of exactly these instances. */
    public boolean coversExactly(Set<String> instances, int count) {
        if (!partitions.keySet().equals(instances)) {
            return false;
        }
        Set<Integer> all = new TreeSet<>();
        int held = 0;
        for (Set<Integer> p : partitions.values()) {
            all.addAll(p);
            held += p.size();
        }
        return held == count && all.size() == count;
    }

    public Set<Integer> of(String instance) {
        return partitions.getOrDefault(instance, Set.of());
    }
}

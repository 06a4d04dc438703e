package dev.emostream.app.http;

import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * How far this instance's consumers are behind on the app's input partitions, from Kafka's own per-partition
 * {@code records-lag} metric (group {@code consumer-fetch-manager-metrics}): the records between each assigned
 * input partition's position and its end, as of the last fetch. Only the stream threads' main consumers count
 * (not the restore consumers) and only topics the input pattern matches (not the repartition topic).
 *
 * @param records      the sum over the partitions that report a lag, or -1 when none does (nothing assigned yet)
 * @param maxPartition the largest single partition's lag, or -1
 * @param partitions   how many input partitions reported a lag
 */
public record InputLag(long records, long maxPartition, int partitions) {

    /** Before any input partition is assigned (or for a status that cannot tell). */
    public static final InputLag UNKNOWN = new InputLag(-1, -1, 0);

    static final String GROUP = "consumer-fetch-manager-metrics";
    static final String RECORDS_LAG = "records-lag";

    /** Reads the lag out of {@code KafkaStreams#metrics()}. */
    public static InputLag from(Map<MetricName, ? extends Metric> metrics, Pattern inputPattern) {
        long sum = 0;
        long max = -1;
        int partitions = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName name = e.getKey();
            String topic = name.tags().get("topic");
            String client = name.tags().getOrDefault("client-id", "");
            if (!name.group().equals(GROUP) || !name.name().equals(RECORDS_LAG) || topic == null
                    || !name.tags().containsKey("partition") || client.endsWith("restore-consumer")
                    || !inputPattern.matcher(topic).matches()) {
                continue;
            }
            // a partition that has not been fetched yet reports NaN: it is not behind by a known amount
            if (e.getValue().metricValue() instanceof Number n && !Double.isNaN(n.doubleValue()) && n.doubleValue() >= 0) {
                long lag = (long) n.doubleValue();
                sum += lag;
                max = Math.max(max, lag);
                partitions++;
            }
        }
        return partitions == 0 ? UNKNOWN : new InputLag(sum, max, partitions);
    }
}

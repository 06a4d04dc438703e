package dev.emostream.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("InputLag")
class InputLagTest {

    private static final Pattern INPUT = Pattern.compile("faces\\..*");
    private final Map<MetricName, Metric> metrics = new LinkedHashMap<>();

    private void metric(String group, String name, Map<String, String> tags, Object value) {
        MetricName metricName = new MetricName(name, group, "", tags);
        metrics.put(metricName, new Metric() {
            @Override
            public MetricName metricName() {
                return metricName;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        });
    }

    private void partitionLag(String client, String topic, int partition, double lag) {
        metric(InputLag.GROUP, InputLag.RECORDS_LAG, Map.of("client-id", client, "topic", topic,
                "partition", Integer.toString(partition)), lag);
    }

    @Test
    @DisplayName("sums records-lag over the input partitions of every stream thread's main consumer")
    void sumsInputPartitions() {
        partitionLag("app-StreamThread-1-consumer", "faces.cam-1", 0, 120);
        partitionLag("app-StreamThread-1-consumer", "faces.cam-1", 1, 30);
        partitionLag("app-StreamThread-2-consumer", "faces.cam-2", 0, 5);

        assertThat(InputLag.from(metrics, INPUT)).isEqualTo(new InputLag(155, 120, 3));
    }

    @Test
    @DisplayName("leaves out restore consumers, the repartition topic, the per-client max and unfetched partitions")
    void leavesOutWhatIsNotInput() {
        partitionLag("app-StreamThread-1-consumer", "faces.cam-1", 0, 7);
        metricsThatAreNotInputLag();

        assertThat(InputLag.from(metrics, INPUT)).isEqualTo(new InputLag(7, 7, 1));
    }

    /** Each of these would raise the lag if it were counted. */
    private void metricsThatAreNotInputLag() {
        partitionLag("app-StreamThread-1-restore-consumer", "faces.cam-1", 0, 1_000);
        partitionLag("app-StreamThread-1-consumer", "app-accuracy-by-scope-repartition", 0, 2_000);
        partitionLag("app-StreamThread-1-consumer", "faces.cam-3", 0, Double.NaN);
        metric(InputLag.GROUP, "records-lag-max", Map.of("client-id", "app-StreamThread-1-consumer"), 3_000.0);
        metric("producer-metrics", InputLag.RECORDS_LAG, Map.of("topic", "faces.cam-1", "partition", "0"), 4_000.0);
    }

    @Test
    @DisplayName("is unknown while no input partition reports a lag")
    void unknownWithoutPartitions() {
        metric(InputLag.GROUP, "records-lag-max", Map.of("client-id", "app-StreamThread-1-consumer"), Double.NaN);

        assertThat(InputLag.from(metrics, INPUT)).isEqualTo(InputLag.UNKNOWN);
    }
}

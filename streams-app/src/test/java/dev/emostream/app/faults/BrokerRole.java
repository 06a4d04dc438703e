package dev.emostream.app.faults;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;

/**
 * A broker named by what it does for a replay at the moment the test looks it up, as Kafka's Streams broker-bounce
 * system test names its targets: leadership and coordination move when a broker goes, so each bounce of a series
 * looks again.
 */
enum BrokerRole {

    /** The leader of the input topic's partition 0 (both input partitions start on broker 1). */
    INPUT_LEADER("leader of the input partitions"),
    /** The leader of {@code emotions}' partition 0 (both start on broker 2). */
    EMOTIONS_LEADER("leader of emotions"),
    /** The coordinator of the (first) app producer's transactions: the leader of its {@code __transaction_state} partition. */
    TRANSACTION_COORDINATOR("app producer's transaction coordinator"),
    /** The leader of the KRaft controller quorum. */
    ACTIVE_CONTROLLER("active controller");

    private final String description;

    BrokerRole(String description) {
        this.description = description;
    }

    /** The node id of the broker in this role now. */
    int find(ThreeBrokerCluster cluster, ClusterReplay replay) throws Exception {
        return switch (this) {
            case INPUT_LEADER -> cluster.leaderOf(replay.inputTopic(), 0);
            case EMOTIONS_LEADER -> cluster.leaderOf(replay.emotionsTopic(), 0);
            case TRANSACTION_COORDINATOR -> cluster.transactionCoordinator(replay.applicationId());
            case ACTIVE_CONTROLLER -> cluster.activeController();
        };
    }

    /** Each role with each way of stopping its broker: the scenarios of the shutdown and bounce tests. */
    static Stream<Arguments> withEachStop() {
        return Arrays.stream(values())
                .flatMap(role -> Arrays.stream(BrokerStop.values()).map(stop -> Arguments.of(role, stop)));
    }

    /** For topic and application-id names: {@code input-leader}. */
    String slug() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return description;
    }
}

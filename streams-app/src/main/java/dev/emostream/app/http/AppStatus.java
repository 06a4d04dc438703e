package dev.emostream.app.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.streams.KafkaStreams;

import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.app.rollout.RolloutView;
import dev.emostream.app.topology.AccuracyCounts;
import dev.emostream.app.topology.PairedCounts;

/** What the HTTP endpoints report, read from the running app. */
public interface AppStatus {

    KafkaStreams.State state();

    /** The version serving now. */
    String modelVersion();

    /**
     * Why the app is stopping on its own (a permanent error such as bad registry credentials); while present,
     * both health checks answer DOWN with it.
     */
    default Optional<String> stopReason() {
        return Optional.empty();
    }

    /**
     * The running counts held by this instance (interactive query on the accuracy store).
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     *         (starting, rebalancing)
     */
    List<AccuracyCounts> accuracy();

    /** Topic mode: what the control topic says (champion, rollout, history); empty in folder mode. */
    default Optional<RolloutView> rollout() {
        return Optional.empty();
    }

    /**
     * The rollouts' paired counts held by this instance (interactive query on the rollout store; with several
     * instances, the one whose task owns a rollout's key holds it).
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     */
    default List<PairedCounts> comparisons() {
        return List.of();
    }

    /** Consumer lag on the app's input partitions held by this instance. */
    default InputLag inputLag() {
        return InputLag.UNKNOWN;
    }

    /** Stream threads alive and configured, and how often one has failed and been replaced. */
    default StreamThreads streamThreads() {
        return StreamThreads.UNKNOWN;
    }

    /** The events' latency over the last minute, per model version ({@link AppMetrics#recentEventLatency}). */
    default Map<String, AppMetrics.LatencyPercentiles> eventLatency() {
        return Map.of();
    }
}

package dev.emostream.app.http;

import java.util.List;

import org.apache.kafka.streams.KafkaStreams;

import dev.emostream.app.topology.AccuracyCounts;

/** What the HTTP endpoints report, read from the running app. */
public interface AppStatus {

    KafkaStreams.State state();

    /** The version serving now. */
    String modelVersion();

    /**
     * The running counts held by this instance (interactive query on the accuracy store).
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     *         (starting, rebalancing)
     */
    List<AccuracyCounts> accuracy();

    /** Consumer lag on the app's input partitions held by this instance. */
    default InputLag inputLag() {
        return InputLag.UNKNOWN;
    }

    /** Stream threads alive and configured, and how often one has failed and been replaced. */
    default StreamThreads streamThreads() {
        return StreamThreads.UNKNOWN;
    }
}

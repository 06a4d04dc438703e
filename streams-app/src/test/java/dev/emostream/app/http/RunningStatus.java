package dev.emostream.app.http;

import java.util.List;

import org.apache.kafka.streams.KafkaStreams;

import dev.emostream.app.topology.AccuracyCounts;

/** An app that is up: Kafka Streams RUNNING, model {@code m1}, these accuracy counts; lag and threads unknown. */
public record RunningStatus(List<AccuracyCounts> accuracy) implements AppStatus {

    @Override
    public KafkaStreams.State state() {
        return KafkaStreams.State.RUNNING;
    }

    @Override
    public String modelVersion() {
        return "m1";
    }
}

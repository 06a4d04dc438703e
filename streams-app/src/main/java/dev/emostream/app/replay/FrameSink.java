package dev.emostream.app.replay;

import dev.emostream.schemas.FaceFrame;

/** Where a replay sends its frames: Kafka in production ({@link KafkaFrameSink}), a list in unit tests. */
public interface FrameSink extends AutoCloseable {

    /** Sends one frame keyed by its source id; may return before it is acknowledged. */
    void send(FaceFrame frame);

    /** Returns once every frame sent so far is acknowledged, or throws the first delivery failure. */
    void flush();

    @Override
    void close();
}

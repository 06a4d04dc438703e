package dev.emostream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.app.model.ModelHolder;
import dev.emostream.app.model.ServingModel;
import dev.emostream.app.testing.StandInClassifier;
import dev.emostream.model.Emotion;

@DisplayName("MicroBatchClassifier asks for commits")
class MicroBatchClassifierCommitTest {

    private static final long NOW = 1_000_000;
    private static final Duration GAP = TopologySettings.DEFAULT_LIVE_COMMIT_GAP;

    private final MockProcessorContext<byte[], Classified> context = new MockProcessorContext<>();
    private MicroBatchClassifier classifier;
    private int frames;

    @BeforeEach
    void start() {
        KeyValueStore<Long, BufferedFrame> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("buffer"),
                Serdes.Long(), BufferedFrame.SERDE).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        context.setCurrentSystemTimeMs(NOW);
        // batches of one on the calling thread: each frame is classified and forwarded inside process()
        TopologySettings settings = TopologySettings.defaults().withBatch(1, Duration.ofMillis(50));
        classifier = new MicroBatchClassifier("buffer", settings,
                new ModelHolder(ServingModel.shared(new StandInClassifier("v1"), "test")), AppMetrics.inMemory(),
                Runnable::run, new InferenceSlots(1), new InferencePace());
        classifier.init(context);
    }

    private void send(long capturedAgoMs) {
        long ts = context.currentSystemTimeMs() - capturedAgoMs;
        classifier.process(new Record<>("cam-1".getBytes(), new ValidFrame("f" + frames++, "cam-1", ts, 48, 48,
                new byte[48 * 48], Emotion.HAPPY), ts));
    }

    private void tick(long ms) {
        context.setCurrentSystemTimeMs(context.currentSystemTimeMs() + ms);
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(context.currentSystemTimeMs()));
    }

    @Test
    @DisplayName("a live frame's event is committed as soon as it is out, not at the next commit interval")
    void liveFrameAsksForCommit() {
        send(3);

        assertThat(context.forwarded()).isNotEmpty();
        assertThat(context.committed()).isTrue();
    }

    @Test
    @DisplayName("live events within the gap share the next commit, which the periodic check asks for")
    void liveCommitsAreSpaced() {
        send(3);
        context.resetCommit();

        send(3);
        assertThat(context.committed()).as("second event within %s", GAP).isFalse();

        tick(GAP.toMillis() - 5);
        assertThat(context.committed()).isFalse();
        tick(5);
        assertThat(context.committed()).as("after the gap").isTrue();

        context.resetCommit();
        tick(GAP.toMillis());
        assertThat(context.committed()).as("nothing new to commit").isFalse();
    }

    @Test
    @DisplayName("frames queued near saturation, late but less than the commit backlog lag, still ask for commits")
    void lateLiveFramesAskForCommits() {
        send(TopologySettings.DEFAULT_BATCH_BACKLOG_LAG.toMillis() + 500);

        assertThat(context.committed()).isTrue();
    }

    @Test
    @DisplayName("late frames share commits: one at most per tenth of their lateness")
    void lateFramesShareCommits() {
        long late = 1_500;
        send(late);
        assertThat(context.committed()).isTrue();
        context.resetCommit();

        for (int i = 0; i < 7; i++) {
            tick(20);
            send(late);
        }
        assertThat(context.committed()).as("140 ms after the last request").isFalse();
        tick(20);
        send(late);
        assertThat(context.committed()).as("160 ms after it, past a tenth of 1.5 s").isTrue();
    }

    @Test
    @DisplayName("a backlog's last events are committed once the input is quiet, not at the next interval")
    void drainedBacklogIsCommitted() {
        long behind = TopologySettings.DEFAULT_COMMIT_BACKLOG_LAG.toMillis() + 1_000;
        send(behind);
        tick(GAP.toMillis());
        send(behind);
        tick(GAP.toMillis());
        assertThat(context.committed()).as("frames still arriving").isFalse();

        tick(100);
        assertThat(context.committed()).as("input quiet for twice the max wait").isTrue();

        context.resetCommit();
        tick(100);
        assertThat(context.committed()).as("nothing new to commit").isFalse();
    }

    @Test
    @DisplayName("seconds behind, no commit is asked for: commit.interval.ms batches the transactions")
    void backlogLeavesCommitsToTheInterval() {
        long behind = TopologySettings.DEFAULT_COMMIT_BACKLOG_LAG.toMillis();
        send(behind);
        tick(GAP.toMillis());
        send(behind + 1_000);
        tick(GAP.toMillis());

        assertThat(context.forwarded()).isNotEmpty();
        assertThat(context.committed()).isFalse();
    }
}

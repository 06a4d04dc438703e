package dev.emostream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("BatchPolicy")
class BatchPolicyTest {

    private static final TopologySettings DEFAULTS = TopologySettings.defaults();
    private static final long MAX_WAIT = DEFAULTS.batchMaxWait().toMillis();
    private static final long IDLE_GAP = DEFAULTS.batchIdleGap().toMillis();
    private static final long LINGER = DEFAULTS.batchLinger().toMillis();
    private static final long BACKLOG_IDLE_GAP = DEFAULTS.backlogIdleGap().toMillis();

    private final BatchPolicy policy = new BatchPolicy(DEFAULTS);

    @Test
    @DisplayName("a full batch is classifier.batch.size frames")
    void fullBatchIsTheConfiguredSize() {
        assertThat(policy.fullBatch()).isEqualTo(DEFAULTS.batchSize());
    }

    @Test
    @DisplayName("frames are a backlog from classifier.batch.backlog.ms late on")
    void backlogFromTheBacklogLag() {
        long lag = DEFAULTS.batchBacklogLag().toMillis();

        assertThat(policy.behindBacklog(lag - 1)).isFalse();
        assertThat(policy.behindBacklog(lag)).isTrue();
    }

    @Test
    @DisplayName("nothing waiting, nothing goes")
    void nothingWaiting() {
        assertThat(policy.dueAtCheck(0, MAX_WAIT, BACKLOG_IDLE_GAP, false, false)).isFalse();
        assertThat(policy.dueAfterBatch(0, false, false)).isFalse();
    }

    @Test
    @DisplayName("with the model idle, a partial batch goes once the input has been quiet for the idle gap")
    void idleModelTakesAPartialBatchWhenTheInputIsQuiet() {
        assertThat(policy.dueAtCheck(2, IDLE_GAP, IDLE_GAP - 1, false, false)).as("frames still arriving").isFalse();
        assertThat(policy.dueAtCheck(2, IDLE_GAP, IDLE_GAP, false, false)).isTrue();
    }

    @Test
    @DisplayName("a partial batch whose oldest frame has waited the max wait goes, however busy the input")
    void maxWaitSendsAPartialBatch() {
        assertThat(policy.dueAtCheck(2, MAX_WAIT - 1, 0, false, false)).isFalse();
        assertThat(policy.dueAtCheck(2, MAX_WAIT, 0, false, false)).isTrue();
        assertThat(policy.dueAtCheck(2, MAX_WAIT, 0, false, true)).as("another batch in the model").isTrue();
    }

    @Test
    @DisplayName("while another batch is in the model, a tiny batch waits for the linger even on a quiet input")
    void tinyBatchLingersWhileTheModelIsBusy() {
        assertThat(policy.dueAtCheck(2, LINGER - 1, LINGER - 1, false, true)).isFalse();
        assertThat(policy.dueAtCheck(2, LINGER, LINGER, false, true)).isTrue();
    }

    @Test
    @DisplayName("while another batch is in the model, a quarter of a full batch goes without waiting")
    void quarterBatchGoesWhileTheModelIsBusy() {
        int quarter = DEFAULTS.batchSize() / 4;

        assertThat(policy.dueAtCheck(quarter - 1, 0, 0, false, true)).isFalse();
        assertThat(policy.dueAtCheck(quarter, 0, 0, false, true)).isTrue();
    }

    @Test
    @DisplayName("with the linger off, a busy model changes nothing: the idle gap sends a partial batch")
    void noLinger() {
        BatchPolicy noLinger = new BatchPolicy(DEFAULTS.withBatchLinger(Duration.ZERO));

        assertThat(noLinger.dueAtCheck(2, IDLE_GAP, IDLE_GAP, false, true)).isTrue();
    }

    @Test
    @DisplayName("behind a backlog a partial batch waits past the max wait until the input is quiet for twice it")
    void backlogHoldsPartialBatches() {
        assertThat(policy.dueAtCheck(2, 10 * MAX_WAIT, BACKLOG_IDLE_GAP - 1, true, false)).isFalse();
        assertThat(policy.dueAtCheck(2, 10 * MAX_WAIT, BACKLOG_IDLE_GAP, true, false)).isTrue();
    }

    @Test
    @DisplayName("an inference thread that finishes takes whatever waits when no other batch is in the model")
    void finishedThreadIsGreedy() {
        assertThat(policy.dueAfterBatch(1, false, false)).isTrue();
    }

    @Test
    @DisplayName("an inference thread that finishes leaves a tiny batch to the linger while another batch is in the model")
    void finishedThreadLeavesTinyBatchesWhileTheModelIsBusy() {
        int quarter = DEFAULTS.batchSize() / 4;

        assertThat(policy.dueAfterBatch(quarter - 1, false, true)).isFalse();
        assertThat(policy.dueAfterBatch(quarter, false, true)).isTrue();
    }

    @Test
    @DisplayName("behind a backlog, an inference thread that finishes takes only a full batch")
    void finishedThreadTakesOnlyFullBatchesBehindABacklog() {
        assertThat(policy.dueAfterBatch(DEFAULTS.batchSize() - 1, true, false)).isFalse();
        assertThat(policy.dueAfterBatch(DEFAULTS.batchSize(), true, false)).isTrue();
    }

    @Test
    @DisplayName("the stream thread stops reading once classifier.batches.waiting full batches wait")
    void backPressureAtTheWaitingBatches() {
        assertThat(policy.maxWaiting()).isEqualTo(DEFAULTS.batchesWaiting() * DEFAULTS.batchSize());
    }

    @Test
    @DisplayName("a gap between checks longer than twice the max wait is a stall")
    void stall() {
        assertThat(policy.stalled(2 * MAX_WAIT)).isFalse();
        assertThat(policy.stalled(2 * MAX_WAIT + 1)).isTrue();
    }

    @Test
    @DisplayName("the check runs every idle gap up to 5 ms, the idle gap being no longer than the max wait")
    void checkInterval() {
        assertThat(policy.checkInterval()).isEqualTo(DEFAULTS.batchIdleGap());
        TopologySettings slowIdle = new TopologySettings(DEFAULTS.inputPattern(), DEFAULTS.emotionsTopic(),
                DEFAULTS.accuracyTopic(), DEFAULTS.rejectedTopic(), 32, Duration.ofMillis(3), Duration.ofMillis(20), 1,
                8, 1024);
        assertThat(new BatchPolicy(slowIdle).checkInterval()).as("a 20 ms idle gap, a 3 ms max wait")
                .isEqualTo(Duration.ofMillis(3));
    }
}

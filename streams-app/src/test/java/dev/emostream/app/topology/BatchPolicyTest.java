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

    private static final int FULL = DEFAULTS.batchSize();
    private static final long MS = 1_000_000;

    private final BatchPolicy policy = new BatchPolicy(DEFAULTS);

    @Test
    @DisplayName("a full batch is classifier.batch.size frames while the model's pace is unknown")
    void fullBatchIsTheConfiguredSize() {
        assertThat(policy.fullBatch(0)).isEqualTo(FULL);
    }

    @Test
    @DisplayName("the default latency target leaves batches of 32 where the model takes up to 2 ms a face")
    void defaultTargetLeavesAFastModelAlone() {
        assertThat(policy.fullBatch(1.4 * MS)).as("the model alone on the AVX-512 machines").isEqualTo(FULL);
        assertThat(policy.fullBatch(2.0 * MS)).as("beside the broker at saturation, with room").isEqualTo(FULL);
    }

    @Test
    @DisplayName("a model at half that speed gets the batch it classifies in the latency target")
    void halfSpeedModelGetsSmallerBatches() {
        double nanosPerFace = 2.9 * MS;

        int bounded = policy.fullBatch(nanosPerFace);

        assertThat(bounded).isEqualTo((int) (DEFAULTS.latencyTarget().toNanos() / nanosPerFace)).isLessThan(FULL);
        assertThat(bounded * nanosPerFace).isLessThanOrEqualTo(DEFAULTS.latencyTarget().toNanos());
    }

    @Test
    @DisplayName("however slow the model, a batch may hold the minimum; never more than classifier.batch.size")
    void boundedBetweenTheMinimumAndTheBatchSize() {
        assertThat(policy.fullBatch(1_000 * MS)).isEqualTo(BatchPolicy.MIN_BOUNDED_BATCH);
        assertThat(new BatchPolicy(DEFAULTS.withBatch(2, DEFAULTS.batchMaxWait())).fullBatch(1_000 * MS))
                .isEqualTo(2);
    }

    @Test
    @DisplayName("a latency target of 0 turns the bound off")
    void targetOff() {
        assertThat(new BatchPolicy(DEFAULTS.withLatencyTarget(Duration.ZERO)).fullBatch(1_000 * MS)).isEqualTo(FULL);
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
        assertThat(policy.dueAtCheck(0, MAX_WAIT, BACKLOG_IDLE_GAP, false, false, FULL)).isFalse();
        assertThat(policy.dueAfterBatch(0, false, false, FULL)).isFalse();
    }

    @Test
    @DisplayName("with the model idle, a partial batch goes once the input has been quiet for the idle gap")
    void idleModelTakesAPartialBatchWhenTheInputIsQuiet() {
        assertThat(policy.dueAtCheck(2, IDLE_GAP, IDLE_GAP - 1, false, false, FULL)).as("frames still arriving")
                .isFalse();
        assertThat(policy.dueAtCheck(2, IDLE_GAP, IDLE_GAP, false, false, FULL)).isTrue();
    }

    @Test
    @DisplayName("a partial batch whose oldest frame has waited the max wait goes, however busy the input")
    void maxWaitSendsAPartialBatch() {
        assertThat(policy.dueAtCheck(2, MAX_WAIT - 1, 0, false, false, FULL)).isFalse();
        assertThat(policy.dueAtCheck(2, MAX_WAIT, 0, false, false, FULL)).isTrue();
        assertThat(policy.dueAtCheck(2, MAX_WAIT, 0, false, true, FULL)).as("another batch in the model").isTrue();
    }

    @Test
    @DisplayName("while another batch is in the model, a tiny batch waits for the linger even on a quiet input")
    void tinyBatchLingersWhileTheModelIsBusy() {
        assertThat(policy.dueAtCheck(2, LINGER - 1, LINGER - 1, false, true, FULL)).isFalse();
        assertThat(policy.dueAtCheck(2, LINGER, LINGER, false, true, FULL)).isTrue();
    }

    @Test
    @DisplayName("while another batch is in the model, a quarter of a full batch goes without waiting")
    void quarterBatchGoesWhileTheModelIsBusy() {
        int quarter = FULL / 4;

        assertThat(policy.dueAtCheck(quarter - 1, 0, 0, false, true, FULL)).isFalse();
        assertThat(policy.dueAtCheck(quarter, 0, 0, false, true, FULL)).isTrue();
    }

    @Test
    @DisplayName("with the linger off, a busy model changes nothing: the idle gap sends a partial batch")
    void noLinger() {
        BatchPolicy noLinger = new BatchPolicy(DEFAULTS.withBatchLinger(Duration.ZERO));

        assertThat(noLinger.dueAtCheck(2, IDLE_GAP, IDLE_GAP, false, true, FULL)).isTrue();
    }

    @Test
    @DisplayName("behind a backlog a partial batch waits past the max wait until the input is quiet for twice it")
    void backlogHoldsPartialBatches() {
        assertThat(policy.dueAtCheck(2, 10 * MAX_WAIT, BACKLOG_IDLE_GAP - 1, true, false, FULL)).isFalse();
        assertThat(policy.dueAtCheck(2, 10 * MAX_WAIT, BACKLOG_IDLE_GAP, true, false, FULL)).isTrue();
    }

    @Test
    @DisplayName("an inference thread that finishes takes whatever waits when no other batch is in the model")
    void finishedThreadIsGreedy() {
        assertThat(policy.dueAfterBatch(1, false, false, FULL)).isTrue();
    }

    @Test
    @DisplayName("an inference thread that finishes leaves a tiny batch to the linger while another batch is in the model")
    void finishedThreadLeavesTinyBatchesWhileTheModelIsBusy() {
        int quarter = FULL / 4;

        assertThat(policy.dueAfterBatch(quarter - 1, false, true, FULL)).isFalse();
        assertThat(policy.dueAfterBatch(quarter, false, true, FULL)).isTrue();
    }

    @Test
    @DisplayName("with the batch bounded by the latency target, a quarter of the bounded batch is worthwhile")
    void quarterOfTheBoundedBatch() {
        assertThat(policy.dueAtCheck(4, 0, 0, false, true, 20)).isFalse();
        assertThat(policy.dueAtCheck(5, 0, 0, false, true, 20)).isTrue();
        assertThat(policy.dueAfterBatch(4, false, true, 20)).isFalse();
        assertThat(policy.dueAfterBatch(5, false, true, 20)).isTrue();
    }

    @Test
    @DisplayName("behind a backlog, an inference thread that finishes takes only a full batch")
    void finishedThreadTakesOnlyFullBatchesBehindABacklog() {
        assertThat(policy.dueAfterBatch(FULL - 1, true, false, FULL)).isFalse();
        assertThat(policy.dueAfterBatch(FULL, true, false, FULL)).isTrue();
    }

    @Test
    @DisplayName("the stream thread stops reading once classifier.batches.waiting batches of classifier.batch.size wait, bounded or not")
    void backPressureAtTheWaitingBatches() {
        assertThat(policy.maxWaiting()).isEqualTo(DEFAULTS.batchesWaiting() * FULL);
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

    @Test
    @DisplayName("the challenger runs behind a backlog always, on live frames only while fewer than a quarter of a "
            + "full batch wait for the model")
    void shadowYieldsToWaitingFrames() {
        assertThat(policy.shadowNow(0, false, FULL)).as("nothing waits").isTrue();
        assertThat(policy.shadowNow(FULL / 4 - 1, false, FULL)).as("a few frames linger").isTrue();
        assertThat(policy.shadowNow(FULL / 4, false, FULL)).as("a worthwhile batch waits").isFalse();
        assertThat(policy.shadowNow(4 * FULL, true, FULL)).as("behind a backlog").isTrue();
        assertThat(policy.shadowNow(2, false, 8)).as("a bounded batch of 8: its quarter").isFalse();
    }
}

package dev.emostream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CommitPolicy")
class CommitPolicyTest {

    private static final TopologySettings DEFAULTS = TopologySettings.defaults();
    private static final long GAP = DEFAULTS.liveCommitGap().toMillis();
    private static final long COMMIT_BACKLOG_LAG = DEFAULTS.commitBacklogLag().toMillis();
    private static final long BACKLOG_IDLE_GAP = DEFAULTS.backlogIdleGap().toMillis();

    private final CommitPolicy policy = new CommitPolicy(DEFAULTS);

    @Test
    @DisplayName("live events out ask for a commit once the live commit gap has passed since the last request")
    void liveEventsAfterTheGap() {
        assertThat(policy.liveCommitDue(true, 3, GAP - 1)).isFalse();
        assertThat(policy.liveCommitDue(true, 3, GAP)).isTrue();
    }

    @Test
    @DisplayName("with no events out since the last request, no commit is asked for")
    void nothingToCommit() {
        assertThat(policy.liveCommitDue(false, 3, 10 * GAP)).isFalse();
        assertThat(policy.drainedBacklogCommitDue(false, true, BACKLOG_IDLE_GAP, false)).isFalse();
    }

    @Test
    @DisplayName("late frames share commits: the gap grows to a tenth of their lateness")
    void lateFramesWidenTheGap() {
        long late = 1_500;

        assertThat(policy.liveCommitDue(true, late, late / 10 - 1)).isFalse();
        assertThat(policy.liveCommitDue(true, late, late / 10)).isTrue();
    }

    @Test
    @DisplayName("frames classifier.commit.backlog.ms late or more leave commits to commit.interval.ms")
    void backlogLeavesCommitsToTheInterval() {
        assertThat(policy.liveCommitDue(true, COMMIT_BACKLOG_LAG - 1, COMMIT_BACKLOG_LAG)).isTrue();
        assertThat(policy.liveCommitDue(true, COMMIT_BACKLOG_LAG, Long.MAX_VALUE / 2)).isFalse();
    }

    @Test
    @DisplayName("a backlog's last events are committed once the input is quiet for twice the max wait and no frame is left")
    void drainedBacklog() {
        assertThat(policy.drainedBacklogCommitDue(true, true, BACKLOG_IDLE_GAP - 1, false)).as("input not quiet")
                .isFalse();
        assertThat(policy.drainedBacklogCommitDue(true, true, BACKLOG_IDLE_GAP, true)).as("frames left").isFalse();
        assertThat(policy.drainedBacklogCommitDue(true, true, BACKLOG_IDLE_GAP, false)).isTrue();
    }

    @Test
    @DisplayName("live frames get no drained-backlog commit: their own requests cover them")
    void noDrainedCommitForLiveFrames() {
        assertThat(policy.drainedBacklogCommitDue(true, false, BACKLOG_IDLE_GAP, false)).isFalse();
    }
}

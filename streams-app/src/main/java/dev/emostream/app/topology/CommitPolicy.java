package dev.emostream.app.topology;

/**
 * When {@link MicroBatchClassifier} asks Streams to commit. Under exactly-once a {@code read_committed} consumer sees
 * an event only once its transaction commits, so the commit decides latency: live events ask for one as soon as they
 * are out, spaced by {@code classifier.live.commit.ms} or a tenth of their lateness; events seconds late leave
 * commits to {@code commit.interval.ms}, but a backlog's last events are committed once the input has run dry.
 * Pure rules over wall-clock times (ms) and lateness; the reasoning: docs/ARCHITECTURE.md, "Guarantees".
 */
final class CommitPolicy {

    /** A requested commit adds at most a tenth of a frame's lateness to it: late frames share commits. */
    private static final int LATENESS_PER_COMMIT_GAP = 10;

    private final long liveCommitGapMs;
    private final long commitBacklogLagMs;
    private final long backlogIdleGapMs;

    CommitPolicy(TopologySettings settings) {
        this.liveCommitGapMs = settings.liveCommitGap().toMillis();
        this.commitBacklogLagMs = settings.commitBacklogLag().toMillis();
        this.backlogIdleGapMs = settings.backlogIdleGap().toMillis();
    }

    /**
     * Events are out uncommitted: ask now if the frames are live (less than {@code classifier.commit.backlog.ms}
     * late) and the last request was at least the live commit gap or a tenth of their lateness ago, whichever is
     * longer. Frames a second late wait at most 100 ms more for their commit, and a queue being worked off after a
     * stall is not committed every 25 ms.
     *
     * @param latenessMs          how late the newest frame arrived (wall clock minus its record timestamp)
     * @param sinceLastRequestMs  time since this task last asked for a commit
     */
    boolean liveCommitDue(boolean uncommittedEvents, long latenessMs, long sinceLastRequestMs) {
        // seconds behind, the frames are late already: commit.interval.ms batches their transactions
        boolean live = latenessMs < commitBacklogLagMs;
        long gap = Math.max(liveCommitGapMs, latenessMs / LATENESS_PER_COMMIT_GAP);
        return uncommittedEvents && live && sinceLastRequestMs >= gap;
    }

    /**
     * A backlog's last events would wait for {@code commit.interval.ms} (up to a second) although nothing follows
     * them: ask once the input has been quiet for the backlog idle gap and no frame is buffered or in the model.
     *
     * @param behindBacklog whether the batching holds partial batches for a backlog ({@link BatchPolicy#behindBacklog})
     * @param quietMs       how long since the last frame arrived
     * @param framesLeft    whether frames still wait or are in the model
     */
    boolean drainedBacklogCommitDue(boolean uncommittedEvents, boolean behindBacklog, long quietMs, boolean framesLeft) {
        return uncommittedEvents && behindBacklog && quietMs >= backlogIdleGapMs && !framesLeft;
    }
}

package dev.emostream.app.topology;

import java.time.Duration;

/**
 * When a task's waiting frames go to the model, and how many at once. Pure rules over wall-clock times (ms), counts,
 * the frames' lateness, whether another batch is in the model and the model's measured time per face, so each is
 * tested alone; {@link MicroBatchClassifier} keeps the frames and the threads and asks at every chance to hand a batch
 * over (a frame arriving, its periodic check, an inference thread finishing).
 *
 * <p>A full batch is {@code classifier.batch.size} frames, or fewer where the model is slow: as many as it classifies
 * in {@code classifier.latency.target.ms} ({@link InferencePace}), at least {@value #MIN_BOUNDED_BATCH}. A batch of 32
 * that takes twice as long on a slower CPU holds every frame behind it twice as long; bounded, a batch takes about the
 * target on any CPU. The reasoning and the measurements behind each rule: docs/ARCHITECTURE.md, "micro-batch-classifier".
 */
final class BatchPolicy {

    /** The latency target bounds no batch below this: the forward pass's fixed cost makes tinier batches dear. */
    static final int MIN_BOUNDED_BATCH = 4;

    private final int batchSize;
    private final long maxWaitMs;
    private final long idleGapMs;
    private final long backlogLagMs;
    private final long backlogIdleGapMs;
    private final long lingerMs;
    private final long latencyTargetNanos;
    private final int maxWaiting;

    BatchPolicy(TopologySettings settings) {
        this.batchSize = settings.batchSize();
        this.maxWaitMs = settings.batchMaxWait().toMillis();
        this.idleGapMs = Math.min(settings.batchIdleGap().toMillis(), maxWaitMs);
        this.backlogLagMs = settings.batchBacklogLag().toMillis();
        this.backlogIdleGapMs = settings.backlogIdleGap().toMillis();
        this.lingerMs = settings.batchLinger().toMillis();
        this.latencyTargetNanos = settings.latencyTarget().toNanos();
        this.maxWaiting = settings.batchesWaiting() * batchSize;
    }

    /**
     * Frames in a full batch: one goes as soon as a thread is free, and no batch is larger. {@code classifier.batch.size},
     * or the faces the model classifies in the latency target where that is fewer.
     *
     * @param nanosPerFace the model's recent time per face ({@link InferencePace}); 0 while unknown
     */
    int fullBatch(double nanosPerFace) {
        if (latencyTargetNanos == 0 || nanosPerFace <= 0) {
            return batchSize;
        }
        double fits = Math.floor(latencyTargetNanos / nanosPerFace);
        return (int) Math.min(batchSize, Math.max(MIN_BOUNDED_BATCH, fits));
    }

    /**
     * Frames more than {@code classifier.batch.backlog.ms} late mean a backlog is being worked off (a replay, a
     * restart after downtime): the next poll brings many, so a partial batch is held until it fills.
     */
    boolean behindBacklog(long latenessMs) {
        return latenessMs >= backlogLagMs;
    }

    /**
     * The stream thread's periodic check: whether the waiting frames go now, though fewer than a full batch.
     *
     * @param waitedMs how long the oldest waiting frame has waited
     * @param quietMs  how long since the last frame arrived
     * @param modelBusy whether another batch is in the model (any task's)
     * @param fullBatch what {@link #fullBatch} says now
     */
    boolean dueAtCheck(int waiting, long waitedMs, long quietMs, boolean behindBacklog, boolean modelBusy,
                       int fullBatch) {
        if (waiting == 0) {
            return false;
        }
        if (behindBacklog) {
            return quietMs >= backlogIdleGapMs;
        }
        if (waitedMs >= maxWaitMs) {
            return true;
        }
        if (lingering(modelBusy)) {
            // the frames go once they are a worthwhile batch or have waited the linger, input idle or not
            return waiting >= worthwhile(fullBatch) || waitedMs >= lingerMs;
        }
        return quietMs >= idleGapMs;
    }

    /**
     * An inference thread that finished a batch: whether what arrived meanwhile goes next. Greedy, so the model does
     * not wait for the stream thread, unless another batch is in the model and this one is tiny (the checks send it
     * after the linger); behind a backlog only a full batch (the checks send a partial one when the input runs dry).
     */
    boolean dueAfterBatch(int waiting, boolean behindBacklog, boolean modelBusy, int fullBatch) {
        if (behindBacklog) {
            return waiting >= fullBatch;
        }
        return waiting > 0 && (!lingering(modelBusy) || waiting >= worthwhile(fullBatch));
    }

    /**
     * Whether a batch's challenger runs after its champion (a rollout's shadowing). Always behind a backlog: a replay
     * has no latency to keep and is what a rollout is decided on. On live frames only while fewer than a worthwhile
     * batch wait for the model: the challenger's pass would hold them, so under load shadowing yields to the
     * champion and the share shadowed falls until the model has time again (docs/ARCHITECTURE.md, "Model rollout").
     */
    boolean shadowNow(int waiting, boolean behindBacklog, int fullBatch) {
        return behindBacklog || waiting < worthwhile(fullBatch);
    }

    /**
     * Waiting frames at which the stream thread stops reading until the model takes a batch (back-pressure):
     * {@code classifier.batches.waiting} batches of {@code classifier.batch.size}, whatever the latency target makes
     * of a full batch. The bound is on the buffer (memory, frames to classify again after a crash), not on latency:
     * frames it keeps out wait in the consumer instead, and a stopped stream thread forwards and commits nothing.
     */
    int maxWaiting() {
        return maxWaiting;
    }

    /**
     * A gap this long between checks was a stall of the stream thread (a commit, a rebalance): frames read right
     * after it would look long-waited on Streams' cached clock, so the waits start again.
     */
    boolean stalled(long sinceLastCheckMs) {
        return sinceLastCheckMs > 2 * maxWaitMs;
    }

    /** Often enough that an idle input is noticed within a few ms; never less often than the idle gap. */
    Duration checkInterval() {
        return Duration.ofMillis(Math.min(idleGapMs, 5));
    }

    /** A partial batch lingers while the wait is on and another batch is in the model. */
    private boolean lingering(boolean modelBusy) {
        return lingerMs > 0 && modelBusy;
    }

    /** A quarter of a full batch goes at once even while another batch is in the model. */
    private static int worthwhile(int fullBatch) {
        return Math.max(1, fullBatch / 4);
    }
}

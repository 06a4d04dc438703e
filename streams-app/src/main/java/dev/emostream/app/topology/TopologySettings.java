package dev.emostream.app.topology;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * What {@link EmotionTopology} needs to know besides its collaborators.
 *
 * @param inputPattern   topics to read, e.g. {@code faces\..*}; must not match any output topic
 * @param emotionsTopic  one EmotionEvent per valid frame
 * @param accuracyTopic  AccuracySnapshots
 * @param rejectedTopic  dead letters: the original bytes plus headers saying why
 * @param batchSize      frames per inference call; a full batch is classified at once
 * @param batchMaxWait   the longest a frame waits in a partial batch (wall-clock)
 * @param batchIdleGap   how long without a new frame counts as the input running dry, so a partial batch goes out
 * @param batchBacklogLag frames arriving later than this after their record timestamp mean the app is working off a
 *                       backlog, not keeping up with live input: partial batches are then held until full
 * @param batchLinger    while another batch is in the model, how long a partial batch may wait to grow
 * @param latencyTarget  about the longest one batch should take in the model: batches are bounded to the faces the
 *                       model classifies in this time (never below {@link BatchPolicy#MIN_BOUNDED_BATCH}); 0 for no
 *                       bound but {@code batchSize}
 * @param liveCommitGap  live frames: the least time between the commits the classifier asks for as soon as a batch's
 *                       events are out
 * @param commitBacklogLag frames arriving later than this are a backlog being worked off: the classifier asks for no
 *                       commits for them and {@code commit.interval.ms} applies
 * @param batchesInFlight how many batches may be in the model at once, each on its own network: the app runs this
 *                       many inference threads, shared by all its tasks
 * @param batchesWaiting how many full batches of frames a task may buffer while every inference thread is busy
 *                       before its stream thread waits for the model to take one (back-pressure)
 * @param minFrameSize   smallest accepted face: width and height of the box, or of the whole image without one
 * @param maxFrameSize   largest accepted face (encoded images have their own limits: image.max.*)
 */
public record TopologySettings(Pattern inputPattern, String emotionsTopic, String accuracyTopic, String rejectedTopic,
                               int batchSize, Duration batchMaxWait, Duration batchIdleGap, Duration batchBacklogLag,
                               Duration batchLinger, Duration latencyTarget, Duration liveCommitGap,
                               Duration commitBacklogLag, int batchesInFlight, int batchesWaiting,
                               int minFrameSize, int maxFrameSize) {

    public static final String DEFAULT_INPUT_PATTERN = "faces\\..*";
    public static final String DEFAULT_EMOTIONS_TOPIC = "emotions";
    public static final String DEFAULT_ACCURACY_TOPIC = "emotion-accuracy";
    public static final String DEFAULT_REJECTED_TOPIC = "rejected-faces";
    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final Duration DEFAULT_BATCH_MAX_WAIT = Duration.ofMillis(50);
    /**
     * A frame that keeps up goes to the model within a ms or two of arriving when the model is free; frames that
     * arrive while it is busy make up the next batch anyway, so a longer gap only adds latency.
     */
    public static final Duration DEFAULT_BATCH_IDLE_GAP = Duration.ofMillis(1);
    /**
     * Behind a backlog (a replay of stored frames, a restart after downtime) the next poll brings many frames, so
     * a partial batch is better held until it fills. A live stream's frames arrive a few ms after capture, and tens
     * of ms late when the 2 cores are busy at high load: counting that as a backlog held frames for full batches
     * exactly when latency was at stake (docs/ARCHITECTURE.md).
     */
    public static final Duration DEFAULT_BATCH_BACKLOG_LAG = Duration.ofSeconds(1);
    /**
     * While another batch is in the model, a partial batch waits for a quarter of a full one or this long. A forward
     * pass costs ~4 ms of fixed work plus ~1.5 ms a face here, so batches of 1-3 made the model twice as dear per
     * face exactly when it was loaded: at 80% load both threads ran flat out on batches of ~7 with no slack left.
     * An idle model still takes a frame at once (docs/ARCHITECTURE.md). 0 turns the wait off.
     */
    public static final Duration DEFAULT_BATCH_LINGER = Duration.ofMillis(10);
    /**
     * Where a batch of 32 takes ~45 ms alone and up to ~58 ms beside the broker at saturation (the AVX-512 build
     * machines), 70 ms bounds nothing; where the model runs at half that speed it bounds batches to about 24 faces,
     * which take about the same 70 ms (docs/ARCHITECTURE.md, "micro-batch-classifier"). 0 turns the bound off.
     */
    public static final Duration DEFAULT_LATENCY_TARGET = Duration.ofMillis(70);
    /**
     * Under exactly-once an event is visible only when its transaction commits. Live frames ask for a commit as soon
     * as their batch is out, at most this often (the latency the 25 ms commit interval gave before); behind a
     * backlog the app leaves commits to {@code commit.interval.ms} (1 s) for frames already late
     * (docs/ARCHITECTURE.md, "Guarantees").
     */
    public static final Duration DEFAULT_LIVE_COMMIT_GAP = Duration.ofMillis(25);
    /**
     * Seconds late, not the batching rule's one: near saturation live frames queue for up to a second, and one
     * commit a second on top of that kept them late (p99 1-2 s at 95% load against 0.2-0.75 s).
     */
    public static final Duration DEFAULT_COMMIT_BACKLOG_LAG = Duration.ofSeconds(5);
    /** One batch per core: see NativeThreads for why that beats one batch over all cores. */
    public static final int DEFAULT_BATCHES_IN_FLIGHT = Runtime.getRuntime().availableProcessors();
    /**
     * A full batch that finds every inference thread busy waits in the buffer while the stream thread reads on and
     * commits; at one (the design before) it stopped the stream thread, and with it the commits that make events
     * visible. Two leave room for a busy spell at high load and still bound the buffer (docs/ARCHITECTURE.md).
     */
    public static final int DEFAULT_BATCHES_WAITING = 2;
    /** The preprocessing resizes anything to 48x48; below 8 pixels a side there is no face left to see. */
    public static final int DEFAULT_MIN_SIZE = 8;
    /** 1024x1024 is 1 MiB of pixels, Kafka's default maximum message size. */
    public static final int DEFAULT_MAX_SIZE = 1024;

    public TopologySettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (batchMaxWait.isNegative() || batchMaxWait.isZero()) {
            throw new IllegalArgumentException("batch max wait must be > 0, got " + batchMaxWait.toMillis() + " ms");
        }
        if (batchIdleGap.isNegative() || batchIdleGap.isZero()) {
            throw new IllegalArgumentException("batch idle gap must be > 0, got " + batchIdleGap.toMillis() + " ms");
        }
        if (batchBacklogLag.isNegative() || batchBacklogLag.isZero()) {
            throw new IllegalArgumentException("batch backlog lag must be > 0, got " + batchBacklogLag.toMillis()
                    + " ms");
        }
        if (batchLinger.isNegative()) {
            throw new IllegalArgumentException("batch linger must be >= 0, got " + batchLinger.toMillis() + " ms");
        }
        if (latencyTarget.isNegative()) {
            throw new IllegalArgumentException("latency target must be >= 0, got " + latencyTarget.toMillis() + " ms");
        }
        if (liveCommitGap.isNegative()) {
            throw new IllegalArgumentException("live commit gap must be >= 0, got " + liveCommitGap.toMillis() + " ms");
        }
        if (commitBacklogLag.isNegative() || commitBacklogLag.isZero()) {
            throw new IllegalArgumentException("commit backlog lag must be > 0, got " + commitBacklogLag.toMillis()
                    + " ms");
        }
        if (batchesInFlight < 1) {
            throw new IllegalArgumentException("batches in flight must be >= 1, got " + batchesInFlight);
        }
        if (batchesWaiting < 1) {
            throw new IllegalArgumentException("batches waiting must be >= 1, got " + batchesWaiting);
        }
        if (minFrameSize < 1 || maxFrameSize < minFrameSize) {
            throw new IllegalArgumentException("frame size bounds must satisfy 1 <= min <= max, got " + minFrameSize
                    + ".." + maxFrameSize);
        }
        for (String out : new String[]{emotionsTopic, accuracyTopic, rejectedTopic}) {
            if (inputPattern.matcher(out).matches()) {
                // the app would read its own output: dead letters forever re-rejected, events re-classified
                throw new IllegalArgumentException("output topic '" + out + "' matches the input pattern '"
                        + inputPattern.pattern() + "'");
            }
        }
    }

    /** With the default backlog lag and number of batches waiting. */
    public TopologySettings(Pattern inputPattern, String emotionsTopic, String accuracyTopic, String rejectedTopic,
                            int batchSize, Duration batchMaxWait, Duration batchIdleGap, int batchesInFlight,
                            int minFrameSize, int maxFrameSize) {
        this(inputPattern, emotionsTopic, accuracyTopic, rejectedTopic, batchSize, batchMaxWait, batchIdleGap,
                DEFAULT_BATCH_BACKLOG_LAG, DEFAULT_BATCH_LINGER, DEFAULT_LATENCY_TARGET, DEFAULT_LIVE_COMMIT_GAP,
                DEFAULT_COMMIT_BACKLOG_LAG, batchesInFlight, DEFAULT_BATCHES_WAITING, minFrameSize, maxFrameSize);
    }

    public static TopologySettings defaults() {
        return new TopologySettings(Pattern.compile(DEFAULT_INPUT_PATTERN), DEFAULT_EMOTIONS_TOPIC,
                DEFAULT_ACCURACY_TOPIC, DEFAULT_REJECTED_TOPIC, DEFAULT_BATCH_SIZE, DEFAULT_BATCH_MAX_WAIT,
                DEFAULT_BATCH_IDLE_GAP, DEFAULT_BATCH_BACKLOG_LAG, DEFAULT_BATCH_LINGER, DEFAULT_LATENCY_TARGET,
                DEFAULT_LIVE_COMMIT_GAP, DEFAULT_COMMIT_BACKLOG_LAG, DEFAULT_BATCHES_IN_FLIGHT, DEFAULT_BATCHES_WAITING,
                DEFAULT_MIN_SIZE, DEFAULT_MAX_SIZE);
    }

    /**
     * Behind a backlog, how long the input must be quiet to count as run dry: then a partial batch goes, and once
     * every frame is out the backlog's last events are committed. Twice the max wait: the next poll of a backlog
     * brings frames well within it.
     */
    public Duration backlogIdleGap() {
        return batchMaxWait.multipliedBy(2);
    }

    public TopologySettings withBatch(int size, Duration maxWait) {
        return new TopologySettings(inputPattern, emotionsTopic, accuracyTopic, rejectedTopic, size, maxWait,
                batchIdleGap, batchBacklogLag, batchLinger, latencyTarget, liveCommitGap, commitBacklogLag,
                batchesInFlight, batchesWaiting, minFrameSize, maxFrameSize);
    }

    public TopologySettings withBatchesInFlight(int n) {
        return new TopologySettings(inputPattern, emotionsTopic, accuracyTopic, rejectedTopic, batchSize, batchMaxWait,
                batchIdleGap, batchBacklogLag, batchLinger, latencyTarget, liveCommitGap, commitBacklogLag, n,
                batchesWaiting, minFrameSize, maxFrameSize);
    }

    public TopologySettings withBatchesWaiting(int n) {
        return new TopologySettings(inputPattern, emotionsTopic, accuracyTopic, rejectedTopic, batchSize, batchMaxWait,
                batchIdleGap, batchBacklogLag, batchLinger, latencyTarget, liveCommitGap, commitBacklogLag,
                batchesInFlight, n, minFrameSize, maxFrameSize);
    }

    public TopologySettings withBatchLinger(Duration linger) {
        return new TopologySettings(inputPattern, emotionsTopic, accuracyTopic, rejectedTopic, batchSize, batchMaxWait,
                batchIdleGap, batchBacklogLag, linger, latencyTarget, liveCommitGap, commitBacklogLag, batchesInFlight,
                batchesWaiting, minFrameSize, maxFrameSize);
    }

    public TopologySettings withLatencyTarget(Duration target) {
        return new TopologySettings(inputPattern, emotionsTopic, accuracyTopic, rejectedTopic, batchSize, batchMaxWait,
                batchIdleGap, batchBacklogLag, batchLinger, target, liveCommitGap, commitBacklogLag, batchesInFlight,
                batchesWaiting, minFrameSize, maxFrameSize);
    }
}

package dev.emostream.app.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.app.model.Lineup;
import dev.emostream.model.Emotion;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.EmotionPrediction;
import dev.emostream.schemas.EmotionEvent;

/**
 * The challenger's part of one batch: the frames it shadows ({@link ShadowShare}), classified on the same inference
 * thread right after the champion, and what that yields on the stream thread: an event per shadowed frame for the
 * shadow topic, the challenger's accuracy ({@code <challenger>|shadow}) and its agreement with the champion
 * ({@code <challenger>|agreement:<champion>}), and one {@link PairedCounts} for the rollout's decision. All of it is
 * forwarded with the champion's events, so it commits in their transaction. docs/ARCHITECTURE.md, "Model rollout".
 */
final class ShadowBatch {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowBatch.class);

    private final Lineup.Challenger challenger;
    private final String champion;
    /** Positions in the batch of the frames the challenger classifies. */
    private final int[] picked;
    // written on the inference thread before the batch's future completes, read on the stream thread after it
    private List<EmotionPrediction> predictions;
    private boolean skipped;
    private long nanos;

    private ShadowBatch(Lineup.Challenger challenger, String champion, int[] picked) {
        this.challenger = challenger;
        this.champion = champion;
        this.picked = picked;
    }

    /** The shadow work of a batch taken under {@code lineup}; null with no challenger or no frame in its share. */
    static ShadowBatch of(Lineup lineup, List<KeyValue<Long, BufferedFrame>> frames) {
        Lineup.Challenger challenger = lineup.challenger();
        if (challenger == null) {
            return null;
        }
        int[] picked = new int[frames.size()];
        int n = 0;
        for (int i = 0; i < frames.size(); i++) {
            if (ShadowShare.picks(frames.get(i).value.frame().frameId(), challenger.share())) {
                picked[n++] = i;
            }
        }
        return n == 0 ? null : new ShadowBatch(challenger, lineup.champion().version(), Arrays.copyOf(picked, n));
    }

    /** Whether live frames of this batch go unshadowed while frames wait for the model ({@code rollout.shadow.yield}). */
    boolean yields() {
        return challenger.yields();
    }

    /** On the inference thread, instead of {@link #classify}: the champion needs the model for waiting frames. */
    void skip() {
        skipped = true;
    }

    /**
     * On the inference thread, after the champion. Never throws: a challenger that fails leaves its frames unshadowed
     * (logged, counted) and the champion's events go out as always.
     *
     * @return the nanoseconds it took
     */
    long classify(List<FaceImage> faces) {
        long start = System.nanoTime();
        List<FaceImage> mine = new ArrayList<>(picked.length);
        for (int i : picked) {
            mine.add(faces.get(i));
        }
        try {
            List<EmotionPrediction> out = challenger.model().classify(mine);
            if (out.size() != mine.size()) {
                throw new IllegalStateException(out.size() + " predictions for " + mine.size() + " faces");
            }
            predictions = out;
        } catch (RuntimeException | OutOfMemoryError | LinkageError e) {
            // an Error too (JavaCPP's memory bound throws OutOfMemoryError): the champion's batch must not fail for it
            LOG.warn("challenger {} failed on a batch of {}; its frames go unshadowed: {}", challenger.model().version(),
                    mine.size(), e.toString());
        }
        nanos = System.nanoTime() - start;
        return nanos;
    }

    /**
     * On the stream thread: the shadow events (each with its frame's key and timestamp) and the batch's paired
     * counts, to forward after the champion's events; the challenger's accuracy and agreement go into {@code accuracy}.
     *
     * @param championPredictions the champion's, for the whole batch
     */
    List<Record<byte[], Classified>> records(List<KeyValue<Long, BufferedFrame>> frames,
                                             List<EmotionPrediction> championPredictions, Instant classifiedAt,
                                             long timestamp, BatchAccuracy accuracy, AppMetrics metrics) {
        String version = challenger.model().version();
        if (skipped || predictions == null) {
            if (skipped) {
                metrics.shadowSkipped(version, picked.length);
            } else {
                metrics.shadowFailed(version, picked.length);
            }
            // counts of nothing still reach the judge, so the rollout's time limit ends a challenger that never runs
            return List.of(comparison(0, 0, new long[4], timestamp));
        }
        List<Record<byte[], Classified>> out = new ArrayList<>(picked.length + 1);
        long agreed = 0;
        long[] pairs = new long[4]; // both right, champion only, challenger only, neither
        for (int k = 0; k < picked.length; k++) {
            BufferedFrame b = frames.get(picked[k]).value;
            EmotionPrediction mine = predictions.get(k);
            Emotion theirs = championPredictions.get(picked[k]).predicted();
            EmotionEvent event = MicroBatchClassifier.toEvent(b.frame(), mine, version, classifiedAt);
            out.add(new Record<>(b.key(), new Classified.Shadow(event), b.timestamp(), new RecordHeaders()));
            accuracy.addShadow(version, champion, mine.predicted(), theirs, b.frame().trueLabel());
            agreed += mine.predicted() == theirs ? 1 : 0;
            Emotion truth = b.frame().trueLabel();
            if (truth != null) {
                boolean championRight = theirs == truth;
                boolean challengerRight = mine.predicted() == truth;
                pairs[championRight ? (challengerRight ? 0 : 1) : (challengerRight ? 2 : 3)]++;
            }
        }
        metrics.shadowClassified(version, picked.length, agreed, Duration.ofNanos(nanos));
        out.add(comparison(picked.length, agreed, pairs, timestamp));
        return out;
    }

    private Record<byte[], Classified> comparison(long shadowed, long agreed, long[] pairs, long timestamp) {
        PairedCounts counts = new PairedCounts(challenger.rolloutId(), champion, challenger.model().version(),
                challenger.sha256(), challenger.startedMs(), shadowed, agreed, pairs[0], pairs[1], pairs[2], pairs[3],
                null, 0);
        return new Record<>(null, new Classified.Comparison(counts), timestamp, new RecordHeaders());
    }
}

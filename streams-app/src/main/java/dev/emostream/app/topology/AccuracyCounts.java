package dev.emostream.app.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Serde;

import dev.emostream.model.Emotion;
import dev.emostream.model.metrics.ConfusionMatrix;
import dev.emostream.schemas.AccuracySnapshot;

/**
 * Running counts of one (model version, scope): the value of the accuracy store. Immutable; {@link #plus}
 * returns the next value.
 *
 * @param confusion 49 counts, row = true label, column = prediction (Kaggle order)
 */
public record AccuracyCounts(String modelVersion, String scope, long seen, long labeled, long correct,
                             long[] confusion) {

    public static final Serde<AccuracyCounts> SERDE = StoreCodec.serde("accuracy counts", 1, (c, out) -> {
        StoreCodec.writeString(out, c.modelVersion());
        StoreCodec.writeString(out, c.scope());
        out.writeLong(c.seen());
        out.writeLong(c.labeled());
        out.writeLong(c.correct());
        for (long n : c.confusion()) {
            out.writeLong(n);
        }
    }, in -> {
        String version = StoreCodec.readString(in);
        String scope = StoreCodec.readString(in);
        long seen = in.readLong();
        long labeled = in.readLong();
        long correct = in.readLong();
        long[] confusion = new long[Emotion.COUNT * Emotion.COUNT];
        for (int i = 0; i < confusion.length; i++) {
            confusion[i] = in.readLong();
        }
        return new AccuracyCounts(version, scope, seen, labeled, correct, confusion);
    });

    public static AccuracyCounts empty(String modelVersion, String scope) {
        return new AccuracyCounts(modelVersion, scope, 0, 0, 0, new long[Emotion.COUNT * Emotion.COUNT]);
    }

    AccuracyCounts plus(AccuracyUpdate u) {
        long[] next = confusion.clone();
        for (int i = 0; i < next.length; i++) {
            next[i] += u.confusion()[i];
        }
        return new AccuracyCounts(modelVersion, scope, seen + u.seen(), labeled + u.labeled(), correct + u.correct(),
                next);
    }

    public double accuracy() {
        return labeled == 0 ? 0 : (double) correct / labeled;
    }

    public ConfusionMatrix confusionMatrix() {
        return ConfusionMatrix.of(confusion);
    }

    public AccuracySnapshot toSnapshot(long updatedTimeMs) {
        List<Long> cells = new ArrayList<>(confusion.length);
        for (long n : confusion) {
            cells.add(n);
        }
        return AccuracySnapshot.newBuilder()
                .setModelVersion(modelVersion)
                .setScope(scope)
                .setSeen(seen)
                .setLabeled(labeled)
                .setCorrect(correct)
                .setAccuracy(accuracy())
                .setConfusion(cells)
                .setWindowStart(null)
                .setWindowEnd(null)
                .setUpdatedTime(Instant.ofEpochMilli(updatedTimeMs))
                .build();
    }
}

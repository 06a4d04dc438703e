package dev.emostream.model.metrics;

import dev.emostream.model.Emotion;

import java.util.Arrays;

/**
 * Counts of (true, predicted) emotion pairs, and the numbers derived from them. Row = true class,
 * column = predicted class, Kaggle order. Shared by the trainer's reports and the stream's accuracy.
 */
public final class ConfusionMatrix {

    private static final int K = Emotion.COUNT;
    private final long[] counts;

    public ConfusionMatrix() {
        this.counts = new long[K * K];
    }

    private ConfusionMatrix(long[] counts) {
        this.counts = counts;
    }

    /** From 49 counts, row-major (true, predicted). */
    public static ConfusionMatrix of(long[] rowMajor) {
        if (rowMajor.length != K * K) {
            throw new IllegalArgumentException("a confusion matrix has " + K * K + " cells, got " + rowMajor.length);
        }
        return new ConfusionMatrix(rowMajor.clone());
    }

    public void add(Emotion truth, Emotion predicted) {
        counts[truth.code() * K + predicted.code()]++;
    }

    public void addAll(ConfusionMatrix other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
    }

    public long count(Emotion truth, Emotion predicted) {
        return counts[truth.code() * K + predicted.code()];
    }

    public long total() {
        return Arrays.stream(counts).sum();
    }

    public long correct() {
        long c = 0;
        for (int i = 0; i < K; i++) {
            c += counts[i * K + i];
        }
        return c;
    }

    public double accuracy() {
        long total = total();
        return total == 0 ? 0 : (double) correct() / total;
    }

    /** Faces whose true class is {@code e}. */
    public long support(Emotion e) {
        long s = 0;
        for (int p = 0; p < K; p++) {
            s += counts[e.code() * K + p];
        }
        return s;
    }

    public long predictedAs(Emotion e) {
        long s = 0;
        for (int t = 0; t < K; t++) {
            s += counts[t * K + e.code()];
        }
        return s;
    }

    public double precision(Emotion e) {
        long predicted = predictedAs(e);
        return predicted == 0 ? 0 : (double) count(e, e) / predicted;
    }

    public double recall(Emotion e) {
        long support = support(e);
        return support == 0 ? 0 : (double) count(e, e) / support;
    }

    public double f1(Emotion e) {
        double p = precision(e), r = recall(e);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** 49 counts, row-major (true, predicted): the wire and report form. */
    public long[] toRowMajor() {
        return counts.clone();
    }

    /** 7x7 counts, [true][predicted]. */
    public long[][] toRows() {
        long[][] rows = new long[K][K];
        for (int t = 0; t < K; t++) {
            System.arraycopy(counts, t * K, rows[t], 0, K);
        }
        return rows;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m && Arrays.equals(m.counts, counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "ConfusionMatrix" + Arrays.deepToString(toRows());
    }
}

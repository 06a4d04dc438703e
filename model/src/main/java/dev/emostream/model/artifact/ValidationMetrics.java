package dev.emostream.model.artifact;

import dev.emostream.model.metrics.ConfusionMatrix;

/**
 * How a model scored on the data it was selected on.
 *
 * @param dataset   where the faces came from (file name or "split of train")
 * @param n         faces scored
 * @param accuracy  correct / n
 * @param confusion 49 counts, row-major [true][predicted], Kaggle order
 */
public record ValidationMetrics(String dataset, long n, double accuracy, long[] confusion) {

    public static ValidationMetrics of(String dataset, ConfusionMatrix matrix) {
        return new ValidationMetrics(dataset, matrix.total(), matrix.accuracy(), matrix.toRowMajor());
    }

    public ConfusionMatrix confusionMatrix() {
        return ConfusionMatrix.of(confusion);
    }
}

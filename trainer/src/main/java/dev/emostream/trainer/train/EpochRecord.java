package dev.emostream.trainer.train;

/**
 * One line of the training history. {@code averagedAccuracy} is the weight average's, null before averaging; the
 * test accuracies (the trained weights' and the average's) are null without a test set and never choose anything.
 */
public record EpochRecord(int epoch, double trainLoss, double validationAccuracy,
                          double learningRate, double seconds, double imagesPerSecond, Double averagedAccuracy,
                          Double testAccuracy, Double averagedTestAccuracy) {
}

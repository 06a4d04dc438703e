package dev.emostream.trainer.train;

/** One line of the training history; {@code averagedAccuracy} is the weight average's, null before averaging. */
public record EpochRecord(int epoch, double trainLoss, double validationAccuracy,
                          double learningRate, double seconds, double imagesPerSecond, Double averagedAccuracy) {
}

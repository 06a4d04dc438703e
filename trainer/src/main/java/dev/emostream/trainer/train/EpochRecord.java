package dev.emostream.trainer.train;

/** One line of the training history. */
public record EpochRecord(int epoch, double trainLoss, double validationAccuracy,
                          double learningRate, double seconds, double imagesPerSecond) {
}

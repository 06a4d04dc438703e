package dev.emostream.trainer.train;

import dev.emostream.trainer.net.ResNetSpec;

/** Everything that decides how a model is trained; {@code averageFrom} 0 = no weight averaging. */
public record TrainingOptions(ResNetSpec spec, int cropSize, int epochs, int batchSize, String optimizer,
                              double learningRate, double minLearningRate, double weightDecay, String schedule,
                              double warmupEpochs, int plateauPatience, double plateauFactor,
                              int earlyStoppingPatience, int averageFrom, boolean augment, double rotationDegrees, double scale,
                              double erasing, double labelSmoothing,
                              boolean classWeights, boolean flipAverage, boolean cornerCrops, long seed, int logEvery, String version) {
}

package dev.emostream.trainer.train;

import dev.emostream.trainer.data.Augmentation;
import dev.emostream.trainer.net.ResNetSpec;

import java.nio.file.Path;

/**
 * How a network is trained, whatever it is fit against; {@code averageFrom} 0 = no weight averaging;
 * {@code initialWeights} an artifact whose weights a new run starts from, or null for random ones;
 * {@code initFromOtherSplit} accepts one not trained with this run's validation faces held out;
 * {@code keepLast} keeps each epoch's weights (or weight average) instead of the best on the validation faces.
 */
public record TrainingOptions(ResNetSpec spec, int cropSize, int epochs, int batchSize, String optimizer,
                              double learningRate, double minLearningRate, double weightDecay, String schedule,
                              double warmupEpochs, int plateauPatience, double plateauFactor,
                              int earlyStoppingPatience, int averageFrom, Augmentation augmentation,
                              boolean flipAverage, boolean cornerCrops, long seed, int logEvery, String version,
                              Path initialWeights, boolean initFromOtherSplit, boolean keepLast) {
}

package dev.emostream.trainer.train;

import dev.emostream.trainer.data.FaceDataset;

import java.util.Map;

/**
 * The faces of a run: trained on, selected on (the epoch, the weight average, early stopping), and optionally a test
 * set that is scored and reported every epoch but never drives a choice.
 *
 * @param validationSplit how the validation faces were chosen, for model.json and report.json
 * @param test            null when no test set is scored
 */
public record TrainingData(FaceDataset train, FaceDataset validation, FaceDataset test,
                           Map<String, Object> validationSplit) {
}

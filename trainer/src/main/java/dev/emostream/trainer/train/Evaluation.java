package dev.emostream.trainer.train;

import dev.emostream.model.Emotion;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.EmotionClassifier;
import dev.emostream.model.inference.EmotionPrediction;
import dev.emostream.model.metrics.ConfusionMatrix;
import dev.emostream.trainer.data.FaceDataset;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/** Predictions for a whole data set, through the same classifier that serves the stream. */
public record Evaluation(List<EmotionPrediction> predictions, ConfusionMatrix confusion) {

    public static Evaluation run(EmotionClassifier classifier, FaceDataset data, int batchSize, IntConsumer progress) {
        List<EmotionPrediction> predictions = new ArrayList<>(data.size());
        ConfusionMatrix confusion = new ConfusionMatrix();
        for (int start = 0; start < data.size(); start += batchSize) {
            int end = Math.min(data.size(), start + batchSize);
            List<FaceImage> batch = data.faces().subList(start, end);
            List<EmotionPrediction> out = classifier.classify(batch);
            for (int i = 0; i < out.size(); i++) {
                int label = data.label(start + i);
                if (label >= 0) {
                    confusion.add(Emotion.fromCode(label), out.get(i).predicted());
                }
            }
            predictions.addAll(out);
            progress.accept(end);
        }
        return new Evaluation(predictions, confusion);
    }
}

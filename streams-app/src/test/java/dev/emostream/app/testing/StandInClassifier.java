package dev.emostream.app.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.emostream.model.Emotion;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.EmotionClassifier;
import dev.emostream.model.inference.EmotionPrediction;

/**
 * Predicts the emotion whose code is the first pixel's value mod 7, with confidence 0.9: tests choose the
 * prediction by choosing the first pixel. Records the batch sizes it was called with.
 */
public final class StandInClassifier implements EmotionClassifier {

    private final String version;
    private final List<Integer> batchSizes = new ArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();

    public StandInClassifier(String version) {
        this.version = version;
    }

    @Override
    public String modelVersion() {
        return version;
    }

    @Override
    public synchronized List<EmotionPrediction> classify(List<FaceImage> faces) {
        calls.incrementAndGet();
        batchSizes.add(faces.size());
        List<EmotionPrediction> out = new ArrayList<>();
        for (FaceImage face : faces) {
            out.add(EmotionPrediction.fromScores(scoresFor(predictionFor(face))));
        }
        return out;
    }

    public static Emotion predictionFor(FaceImage face) {
        return Emotion.fromCode(face.at(0, 0) % Emotion.COUNT);
    }

    public static float[] scoresFor(Emotion e) {
        float[] s = new float[Emotion.COUNT];
        java.util.Arrays.fill(s, 0.1f / (Emotion.COUNT - 1));
        s[e.code()] = 0.9f;
        return s;
    }

    public synchronized List<Integer> batchSizes() {
        return List.copyOf(batchSizes);
    }
}

package dev.emostream.trainer.train;

import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.EmotionClassifier;
import dev.emostream.model.inference.EmotionPrediction;

import java.util.ArrayList;
import java.util.List;

/**
 * Several models whose probabilities are averaged per face, each through its own classifier and so its own recipe
 * (crop size, views): how models of different crop sizes are scored together, and how teachers teach. An ensemble
 * artifact cannot hold them, as its members share one recipe.
 */
public final class AveragedClassifier implements EmotionClassifier {

    private final String version;
    private final List<EmotionClassifier> members;

    public AveragedClassifier(String version, List<? extends EmotionClassifier> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an average of no models: " + version);
        }
        this.version = version;
        this.members = List.copyOf(members);
    }

    @Override
    public String modelVersion() {
        return version;
    }

    public int size() {
        return members.size();
    }

    @Override
    public List<EmotionPrediction> classify(List<FaceImage> faces) {
        return average(each(faces));
    }

    /** Each member's predictions for {@code faces}, in member order. */
    public List<List<EmotionPrediction>> each(List<FaceImage> faces) {
        List<List<EmotionPrediction>> each = new ArrayList<>(members.size());
        for (EmotionClassifier member : members) {
            each.add(member.classify(faces));
        }
        return each;
    }

    /** The per-face mean of the members' probabilities. */
    public static List<EmotionPrediction> average(List<List<EmotionPrediction>> each) {
        int n = each.get(0).size();
        List<EmotionPrediction> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] mean = new float[each.get(0).get(i).scores().length];
            for (List<EmotionPrediction> member : each) {
                float[] scores = member.get(i).scores();
                for (int j = 0; j < mean.length; j++) {
                    mean[j] += scores[j] / each.size();
                }
            }
            out.add(EmotionPrediction.fromScores(mean));
        }
        return out;
    }
}

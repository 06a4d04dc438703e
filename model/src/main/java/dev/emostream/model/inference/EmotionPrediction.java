package dev.emostream.model.inference;

import dev.emostream.model.Emotion;

/**
 * A classified face.
 *
 * @param predicted  the most likely emotion
 * @param confidence its probability
 * @param scores     all seven probabilities, Kaggle order
 */
public record EmotionPrediction(Emotion predicted, float confidence, float[] scores) {

    public static EmotionPrediction fromScores(float[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return new EmotionPrediction(Emotion.fromCode(best), scores[best], scores);
    }
}

package dev.emostream.trainer.train;

import dev.emostream.model.Emotion;
import dev.emostream.model.face.FaceImage;
import dev.emostream.trainer.net.OutputHead;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training on the true labels: one-hot targets, optionally smoothed, under softmax cross-entropy, optionally
 * weighted by class.
 *
 * @param labelSmoothing the true class gets {@code 1 - e + e/7}, every other {@code e/7}
 * @param classWeights   weight the loss by softened inverse class frequency
 */
public record HardLabels(double labelSmoothing, boolean classWeights) implements TrainingObjective {

    @Override
    public OutputHead head(int[] classCounts) {
        return OutputHead.softmax(classWeights ? classWeights(classCounts) : null);
    }

    @Override
    public int targetWidth() {
        return Emotion.COUNT;
    }

    @Override
    public void writeTargets(List<FaceImage> views, int[] labels, float[] targets) {
        float offTarget = (float) (labelSmoothing / Emotion.COUNT);
        Arrays.fill(targets, 0, labels.length * Emotion.COUNT, offTarget);
        for (int k = 0; k < labels.length; k++) {
            targets[k * Emotion.COUNT + labels[k]] = (float) (1 - labelSmoothing) + offTarget;
        }
    }

    @Override
    public ComputationGraph servingNetwork(ComputationGraph trained) {
        return trained;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("labelSmoothing", labelSmoothing);
        d.put("classWeights", classWeights);
        return d;
    }

    /** Inverse-frequency weights, normalized to a mean of 1, square-rooted to soften the rare Disgust class. */
    static double[] classWeights(int[] counts) {
        double[] w = new double[counts.length];
        double sum = 0;
        for (int i = 0; i < counts.length; i++) {
            w[i] = Math.sqrt(1.0 / Math.max(1, counts[i]));
            sum += w[i];
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = w[i] * w.length / sum;
        }
        return w;
    }
}

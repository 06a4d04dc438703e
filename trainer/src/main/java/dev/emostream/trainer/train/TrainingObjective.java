package dev.emostream.trainer.train;

import dev.emostream.model.face.FaceImage;
import dev.emostream.trainer.net.OutputHead;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.List;
import java.util.Map;

/**
 * What a network is fit against, and how the trained network becomes the one that serves: the true labels
 * ({@link HardLabels}, {@code train}) or teachers' probabilities with them ({@code distill}). The {@link Trainer}'s
 * loop, checkpoints, selection and reports are the same for both.
 */
public interface TrainingObjective {

    /** The classifier layer's activation and loss, for a training set with these class counts. */
    OutputHead head(int[] classCounts);

    /** Floats of target per face. */
    int targetWidth();

    /**
     * Writes one batch's targets, {@link #targetWidth()} floats per face: row {@code k} for the augmented face
     * {@code views.get(k)} (its centered crop is the network's input) whose true label is {@code labels[k]}.
     */
    void writeTargets(List<FaceImage> views, int[] labels, float[] targets);

    /** The network that serves what {@code trained} learned: itself, or a copy with a softmax classifier. */
    ComputationGraph servingNetwork(ComputationGraph trained);

    /** What model.json's training section records about the objective. */
    Map<String, Object> describe();

    /** What a resumed run must share with its checkpoint (the teachers), or null when the objective may change. */
    default String identity() {
        return null;
    }

    /** A few words for the progress line (where the time goes), or an empty string. */
    default String progressNote() {
        return "";
    }
}

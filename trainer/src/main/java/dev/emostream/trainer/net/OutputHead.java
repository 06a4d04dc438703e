package dev.emostream.trainer.net;

import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The classifier layer's activation and loss: a softmax with cross-entropy for networks trained on labels (and for
 * every network that serves), or another pair for a training objective that needs the logits (distillation).
 */
public record OutputHead(Activation activation, ILossFunction loss) {

    /** Softmax and cross-entropy, weighted per class in Kaggle order when {@code classWeights} is not null. */
    public static OutputHead softmax(double[] classWeights) {
        if (classWeights == null) {
            return new OutputHead(Activation.SOFTMAX, new LossMCXENT());
        }
        float[] w = new float[classWeights.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) classWeights[i];
        }
        return new OutputHead(Activation.SOFTMAX, new LossMCXENT(Nd4j.createFromArray(w)));
    }
}

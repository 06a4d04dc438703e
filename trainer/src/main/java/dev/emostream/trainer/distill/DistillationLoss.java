package dev.emostream.trainer.distill;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Knowledge distillation's loss (Hinton et al. 2015) on a classifier layer with the identity activation, whose
 * pre-output are the logits {@code z}. A face's label row holds the teachers' probabilities tempered at {@code T}
 * ({@code p}), then the one-hot true label ({@code y}). Per face:
 * {@code alpha * T^2 * KL(p || softmax(z/T)) + (1 - alpha) * CE(y, softmax(z))}, whose gradient with respect to
 * {@code z} is {@code alpha * T * (softmax(z/T) - p) + (1 - alpha) * (softmax(z) - y)}; the {@code T^2} keeps the
 * soft term's gradient the size of the hard term's as {@code T} changes.
 *
 * <p>Why a loss of its own: DL4J's softmax output layer hands its loss the probabilities, so a temperature cannot
 * reach the logits. The network that serves is a copy with a softmax and cross-entropy
 * ({@link Distillation#servingNetwork}), so no artifact needs this class to load.
 */
public final class DistillationLoss implements ILossFunction {

    @JsonProperty
    private double temperature;
    @JsonProperty
    private double alpha;

    /** For DL4J's JSON reader, which restores checkpoints. */
    private DistillationLoss() {
    }

    /**
     * @param temperature the softmax temperature of the soft term, above 0
     * @param alpha       the soft term's weight, 0-1; the true labels get {@code 1 - alpha}
     */
    public DistillationLoss(double temperature, double alpha) {
        checkRange(temperature, alpha);
        this.temperature = temperature;
        this.alpha = alpha;
    }

    /** Refuses a temperature of 0 or below, or a weight outside 0-1, naming both. */
    public static void checkRange(double temperature, double alpha) {
        if (!(temperature > 0) || !(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "distillation needs a temperature above 0 and a soft-target weight alpha of 0-1, got T=%s, alpha=%s",
                    temperature, alpha));
        }
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        double sum = Arrays.stream(compute(labels, preOutput, activationFn, mask, null)).sum();
        return average ? sum / preOutput.size(0) : sum;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        double[] scores = compute(labels, preOutput, activationFn, mask, null);
        return Nd4j.createFromArray(scores).reshape(scores.length, 1).castTo(preOutput.dataType());
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        double[][] gradient = new double[(int) preOutput.size(0)][(int) preOutput.size(1)];
        compute(labels, preOutput, activationFn, mask, gradient);
        return Nd4j.createFromArray(gradient).castTo(preOutput.dataType());
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        double[][] gradient = new double[(int) preOutput.size(0)][(int) preOutput.size(1)];
        double sum = Arrays.stream(compute(labels, preOutput, activationFn, mask, gradient)).sum();
        return Pair.of(average ? sum / preOutput.size(0) : sum, Nd4j.createFromArray(gradient).castTo(preOutput.dataType()));
    }

    /**
     * Each face's loss, and into {@code gradient} (when not null) its derivative with respect to the logits. The
     * targets' sums multiply the softmax terms so that an all-zero label row has a zero gradient.
     */
    private double[] compute(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                             double[][] gradient) {
        if (!(activationFn instanceof ActivationIdentity)) {
            throw new IllegalStateException("DistillationLoss needs the identity activation (its pre-output are the "
                    + "logits), got " + activationFn);
        }
        int n = (int) preOutput.size(0);
        int k = (int) preOutput.size(1);
        if (labels.rank() != 2 || labels.size(0) != n || labels.size(1) != 2L * k) {
            throw new IllegalArgumentException("distillation labels must be [" + n + ", " + 2 * k + "] (teacher "
                    + "probabilities, then the one-hot label), got " + Arrays.toString(labels.shape()));
        }
        double[][] z = preOutput.toDoubleMatrix();
        double[][] target = labels.toDoubleMatrix();
        if (mask != null && mask.length() != n) {
            throw new IllegalArgumentException("DistillationLoss takes one mask value per face, got a mask of shape "
                    + Arrays.toString(mask.shape()) + " for " + n + " faces");
        }
        double[] weight = mask == null ? null : mask.reshape(n).toDoubleVector();
        double t = temperature;
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            double[] logSoft = logSoftmax(z[i], t);
            double[] logHard = logSoftmax(z[i], 1);
            double soft = 0, hard = 0, softSum = 0, hardSum = 0;
            for (int j = 0; j < k; j++) {
                double p = target[i][j];
                double y = target[i][k + j];
                soft += p > 0 ? p * (Math.log(p) - logSoft[j]) : 0;
                hard -= y * logHard[j];
                softSum += p;
                hardSum += y;
            }
            double w = weight == null ? 1 : weight[i];
            scores[i] = w * (alpha * t * t * soft + (1 - alpha) * hard);
            if (gradient != null) {
                for (int j = 0; j < k; j++) {
                    gradient[i][j] = w * (alpha * t * (Math.exp(logSoft[j]) * softSum - target[i][j])
                            + (1 - alpha) * (Math.exp(logHard[j]) * hardSum - target[i][k + j]));
                }
            }
        }
        return scores;
    }

    private static double[] logSoftmax(double[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (double z : logits) {
            max = Math.max(max, z / temperature);
        }
        double sum = 0;
        for (double z : logits) {
            sum += Math.exp(z / temperature - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int j = 0; j < logits.length; j++) {
            out[j] = logits[j] / temperature - log;
        }
        return out;
    }

    public double temperature() {
        return temperature;
    }

    public double alpha() {
        return alpha;
    }

    @Override
    public String name() {
        return toString();
    }

    @Override
    public String toString() {
        return "DistillationLoss(T=" + temperature + ", alpha=" + alpha + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DistillationLoss d && d.temperature == temperature && d.alpha == alpha;
    }

    @Override
    public int hashCode() {
        return Objects.hash(temperature, alpha);
    }
}

package dev.emostream.trainer.distill;

import dev.emostream.trainer.net.OutputHead;
import dev.emostream.trainer.net.ResNetFactory;
import dev.emostream.trainer.net.ResNetSpec;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

@DisplayName("DistillationLoss")
class DistillationLossTest {

    private static final IActivation IDENTITY = Activation.IDENTITY.getActivationFunction();
    private static final int FACES = 5;
    private static final int CLASSES = 7;

    /** Random logits, and label rows of random tempered-looking teacher probabilities and a one-hot label. */
    private static INDArray[] batch(long seed) {
        Random random = new Random(seed);
        double[][] logits = new double[FACES][CLASSES];
        double[][] labels = new double[FACES][2 * CLASSES];
        for (int i = 0; i < FACES; i++) {
            double sum = 0;
            for (int j = 0; j < CLASSES; j++) {
                logits[i][j] = random.nextGaussian() * 2;
                labels[i][j] = random.nextDouble();
                sum += labels[i][j];
            }
            for (int j = 0; j < CLASSES; j++) {
                labels[i][j] /= sum;
            }
            labels[i][CLASSES + random.nextInt(CLASSES)] = 1;
        }
        return new INDArray[]{Nd4j.createFromArray(logits), Nd4j.createFromArray(labels)};
    }

    @Test
    @DisplayName("its gradient with respect to the logits matches a central finite difference of its score")
    void gradientMatchesFiniteDifference() {
        DistillationLoss loss = new DistillationLoss(2.5, 0.7);
        INDArray[] b = batch(3);
        INDArray logits = b[0];
        INDArray labels = b[1];
        assertThat(logits.dataType()).isEqualTo(DataType.DOUBLE);
        INDArray gradient = loss.computeGradient(labels, logits, IDENTITY, null);
        double eps = 1e-5;
        for (int i = 0; i < FACES; i++) {
            for (int j = 0; j < CLASSES; j++) {
                INDArray up = logits.dup();
                up.putScalar(i, j, logits.getDouble(i, j) + eps);
                INDArray down = logits.dup();
                down.putScalar(i, j, logits.getDouble(i, j) - eps);
                double numeric = (loss.computeScore(labels, up, IDENTITY, null, false)
                        - loss.computeScore(labels, down, IDENTITY, null, false)) / (2 * eps);
                assertThat(gradient.getDouble(i, j)).as("d/dz[%d][%d]", i, j).isCloseTo(numeric, within(1e-6));
            }
        }
    }

    @Test
    @DisplayName("with alpha 1 and T 1 the gradient is softmax(z) - p; the score is 0 where the student matches")
    void pureFunctionMatching() {
        DistillationLoss loss = new DistillationLoss(1, 1);
        INDArray[] b = batch(5);
        INDArray softmax = Transforms.softmax(b[0], true);
        INDArray teacher = b[1].get(NDArrayIndex.all(),
                NDArrayIndex.interval(0, CLASSES));
        INDArray gradient = loss.computeGradient(b[1], b[0], IDENTITY, null);
        assertThat(gradient.sub(softmax.sub(teacher)).amaxNumber().doubleValue()).isLessThan(1e-9);

        INDArray matching = b[1].dup();
        matching.get(NDArrayIndex.all(),
                NDArrayIndex.interval(0, CLASSES)).assign(softmax);
        assertThat(loss.computeScore(matching, b[0], IDENTITY, null, true)).isCloseTo(0, within(1e-9));
    }

    @Test
    @DisplayName("a label row of zeros (batches that only measure batch-norm statistics) has no gradient")
    void zeroTargetsNoGradient() {
        INDArray[] b = batch(7);
        INDArray gradient = new DistillationLoss(3, 0.5).computeGradient(Nd4j.zeros(DataType.DOUBLE, FACES, 2 * CLASSES),
                b[0], IDENTITY, null);
        assertThat(gradient.amaxNumber().doubleValue()).isZero();
    }

    @Test
    @DisplayName("labels that are not teacher probabilities plus one-hot, or a softmax activation, are refused")
    void refusesWrongInputs() {
        INDArray[] b = batch(9);
        DistillationLoss loss = new DistillationLoss(1, 0.5);
        assertThatThrownBy(() -> loss.computeScore(Nd4j.zeros(DataType.DOUBLE, FACES, CLASSES), b[0], IDENTITY, null,
                true)).hasMessageContaining("[5, 14]");
        assertThatThrownBy(() -> loss.computeGradient(b[1], b[0], Activation.SOFTMAX.getActivationFunction(), null))
                .hasMessageContaining("identity");
        assertThatThrownBy(() -> new DistillationLoss(0, 0.5)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new DistillationLoss(1, 1.5)).hasMessageContaining("alpha");
    }

    @Test
    @DisplayName("a network's JSON (what a checkpoint stores) keeps the loss with its temperature and weight")
    void survivesTheConfigurationJson() {
        ResNetSpec spec = new ResNetSpec(4, 3, 2, false, new int[]{4}, new int[]{1}, 0);
        ComputationGraph net = ResNetFactory.buildWithHead(spec, 16, new Adam(1e-3), 0,
                new OutputHead(Activation.IDENTITY, new DistillationLoss(2, 0.8)), WorkspaceMode.ENABLED, 1);
        ComputationGraphConfiguration restored = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        BaseOutputLayer output = (BaseOutputLayer) ((LayerVertex) restored.getVertices().get("output")).getLayerConf()
                .getLayer();
        assertThat(output.getLossFn()).isEqualTo(new DistillationLoss(2, 0.8));
    }
}

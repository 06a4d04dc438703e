package dev.emostream.model.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelLocator;
import dev.emostream.model.csv.Fer2013CsvReader;
import dev.emostream.model.csv.Fer2013Files;
import dev.emostream.model.face.FaceImage;

class BatchNormFoldingTest {

    private static ModelArtifact shipped;
    private static final List<FaceImage> faces = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        shipped = ModelArtifact.load(ModelLocator.resolve(Path.of("../models")));
        try (Fer2013CsvReader csv = Fer2013CsvReader.open(Fer2013Files.find().sample(Fer2013Files.PUBLIC_TEST_SAMPLE))) {
            while (faces.size() < 400) {
                faces.add(csv.next().orElseThrow().face());
            }
        }
    }

    @Test
    @DisplayName("the shipped model folded has no batch-norm layer and scores real faces as the model on disk does")
    void shippedModelFolds() {
        ComputationGraph original = shipped.networks().get(0);
        BatchNormFolding.Result folded = BatchNormFolding.fold(original);

        long norms = count(original, BatchNormalization.class);
        assertThat(norms).isPositive();
        assertThat(folded.folded()).hasSize((int) norms);
        assertThat(folded.kept()).isEmpty();
        assertThat(count(folded.network(), BatchNormalization.class)).isZero();
        assertThat(count(folded.network(), ActivationLayer.class)).isLessThan(count(original, ActivationLayer.class));

        var recipe = shipped.metadata().preprocessing();
        List<EmotionPrediction> before = new Dl4jEmotionClassifier("v", original, recipe).classify(faces);
        List<EmotionPrediction> after = new Dl4jEmotionClassifier("v", folded.network(), recipe).classify(faces);
        double maxDiff = 0;
        int same = 0;
        for (int i = 0; i < faces.size(); i++) {
            same += before.get(i).predicted() == after.get(i).predicted() ? 1 : 0;
            for (int k = 0; k < before.get(i).scores().length; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(before.get(i).scores()[k] - after.get(i).scores()[k]));
            }
        }
        assertThat(maxDiff).isLessThan(1e-3);
        assertThat(same).isGreaterThanOrEqualTo(faces.size() - 1);
        // the network on disk keeps its norms: training and the helper check still use it
        assertThat(count(original, BatchNormalization.class)).isEqualTo(norms);
        assertThat(new Dl4jEmotionClassifier("v", original, recipe).classify(faces).get(0).scores())
                .containsExactly(before.get(0).scores());
    }

    @Test
    @DisplayName("an ensemble folds member by member and averages the same probabilities")
    void ensembleFolds() {
        List<org.deeplearning4j.nn.graph.ComputationGraph> members = List.of(shipped.networks().get(0),
                shipped.networks().get(0).clone());
        var recipe = shipped.metadata().preprocessing();
        List<FaceImage> some = faces.subList(0, 64);
        List<EmotionPrediction> before = new Dl4jEmotionClassifier("e", members, recipe).classify(some);
        List<ComputationGraph> folded = BatchNormFolding.fold(members);
        List<EmotionPrediction> after = new Dl4jEmotionClassifier("e", folded, recipe).classify(some);

        assertThat(folded).hasSize(2).allSatisfy(n -> assertThat(count(n, BatchNormalization.class)).isZero());
        for (int i = 0; i < some.size(); i++) {
            assertThat(after.get(i).scores()).containsExactly(before.get(i).scores(),
                    org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    @DisplayName("a batch norm that does not follow a convolution stays, and the rest still folds")
    void normAfterPoolingStays() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(7)
                .convolutionMode(ConvolutionMode.Same).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(12, 12, 1))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).hasBias(true)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().build(), "conv")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn")
                .addLayer("pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "relu")
                .addLayer("pool_bn", new BatchNormalization.Builder().build(), "pool")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "pool_bn")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out").build());
        net.init();
        // trained-looking statistics, so that folding has something to fold
        for (String bn : List.of("bn", "pool_bn")) {
            net.getLayer(bn).setParam("gamma", Nd4j.rand(1, 4).addi(0.5));
            net.getLayer(bn).setParam("beta", Nd4j.randn(1, 4));
            net.getLayer(bn).setParam("mean", Nd4j.randn(1, 4));
            net.getLayer(bn).setParam("log10stdev", Nd4j.randn(1, 4).muli(0.3));
        }
        net.getLayer("conv").setParam("b", Nd4j.randn(1, 4));

        BatchNormFolding.Result folded = BatchNormFolding.fold(net);

        assertThat(folded.folded()).containsExactly("bn");
        assertThat(folded.kept()).containsOnlyKeys("pool_bn");
        assertThat(folded.kept().get("pool_bn")).contains("not a plain convolution");
        INDArray x = Nd4j.rand(5, 1, 12, 12);
        INDArray expected = net.outputSingle(false, x);
        INDArray actual = folded.network().outputSingle(false, x);
        assertThat(Math.abs(expected.sub(actual).maxNumber().doubleValue())).isLessThan(1e-5);
        assertThat(Math.abs(expected.sub(actual).minNumber().doubleValue())).isLessThan(1e-5);
    }

    private static long count(ComputationGraph net, Class<?> layerType) {
        return Arrays.stream(net.getLayers()).filter(l -> layerType.isInstance(l.getConfig())).count();
    }
}

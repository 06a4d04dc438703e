package dev.emostream.app.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import dev.emostream.app.demo.RepositoryLayout;
import dev.emostream.model.Emotion;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.model.artifact.ModelLocator;
import dev.emostream.model.artifact.ModelMetadata;
import dev.emostream.model.preprocess.PreprocessingRecipe;

/**
 * Small random-init model artifacts, so tests need not wait for training (different seeds, different predictions, near
 * chance accuracy), and the shipped model, a real one of known accuracy.
 */
public final class TestModels {

    public static final int CROP = 40;

    private TestModels() {
    }

    public static ComputationGraph network(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(CROP, CROP, 1))
                .addLayer("conv", new ConvolutionLayer.Builder(5, 5).stride(5, 5).nOut(4)
                        .activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(Emotion.COUNT)
                        .activation(Activation.SOFTMAX).build(), "conv")
                .setOutputs("out")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    /** The shipped model ({@code models/} of the repository: its newest artifact), 0.67 on FER2013's public test. */
    public static Path shipped() throws ModelArtifactException {
        return ModelLocator.resolve(RepositoryLayout.find().root().resolve("models"));
    }

    /** Writes {@code <version>.model.zip} into {@code folder} and returns its path. */
    public static Path write(Path folder, String version, long seed) throws IOException {
        Path file = folder.resolve(version + ModelArtifact.FILE_SUFFIX);
        ModelMetadata metadata = new ModelMetadata(ModelMetadata.FORMAT_VERSION, version, "test conv5/5:4 -> softmax",
                PreprocessingRecipe.fer2013(CROP), Emotion.names(), "none", null, Map.of("seed", seed),
                Instant.now().toString(), null);
        ModelArtifact.write(file, network(seed), metadata);
        return file;
    }
}

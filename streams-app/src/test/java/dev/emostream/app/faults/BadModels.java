package dev.emostream.app.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import dev.emostream.app.testing.TestModels;
import dev.emostream.model.Emotion;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelMetadata;
import dev.emostream.model.preprocess.PreprocessingRecipe;

/** The four ways a model artifact goes bad, each written as {@code <version>.model.zip} into a folder. */
enum BadModels {
    /** Bytes overwritten in the middle of a good artifact (bit rot, a bad copy). */
    CORRUPT {
        @Override
        Path write(Path folder, String version) throws IOException {
            Path file = TestModels.write(folder, version, 7);
            byte[] bytes = Files.readAllBytes(file);
            Arrays.fill(bytes, bytes.length / 3, bytes.length / 3 + 256, (byte) 0x55);
            Files.write(file, bytes);
            return file;
        }
    },
    /** The first half of a good artifact (a copy cut short). */
    TRUNCATED {
        @Override
        Path write(Path folder, String version) throws IOException {
            Path file = TestModels.write(folder, version, 7);
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
            return file;
        }
    },
    /** A network with a fixed 48x48 dense input while its recipe crops to 40x40. */
    INCOMPATIBLE_INPUT {
        @Override
        Path write(Path folder, String version) throws IOException {
            ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder()
                    .addInputs("in")
                    .setInputTypes(InputType.convolutionalFlat(48, 48, 1))
                    .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(Emotion.COUNT)
                            .activation(Activation.SOFTMAX).build(), "in")
                    .setOutputs("out").build());
            net.init();
            Path file = folder.resolve(version + ModelArtifact.FILE_SUFFIX);
            ModelArtifact.write(file, net, metadata(version, Emotion.names()));
            return file;
        }
    },
    /** A good network whose {@code model.json} names the classes in another order. */
    LYING_CLASSES {
        @Override
        Path write(Path folder, String version) throws IOException {
            Path file = folder.resolve(version + ModelArtifact.FILE_SUFFIX);
            ModelArtifact.write(file, TestModels.network(7), metadata(version,
                    List.of("HAPPY", "SAD", "ANGRY", "FEAR", "DISGUST", "SURPRISE", "NEUTRAL")));
            return file;
        }
    };

    abstract Path write(Path folder, String version) throws IOException;

    private static ModelMetadata metadata(String version, List<String> classes) {
        return new ModelMetadata(ModelMetadata.FORMAT_VERSION, version, "fault test", PreprocessingRecipe.fer2013(
                TestModels.CROP), classes, "none", null, Map.of(), Instant.now().toString(), null);
    }
}

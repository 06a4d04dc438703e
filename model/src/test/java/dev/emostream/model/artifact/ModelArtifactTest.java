package dev.emostream.model.artifact;

import dev.emostream.model.Emotion;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.inference.EmotionPrediction;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelArtifactTest {

    private static final PreprocessingRecipe RECIPE = PreprocessingRecipe.fer2013(40).withFlipAverage(true);
    private static List<FaceImage> faces;

    @TempDir
    Path dir;

    @BeforeAll
    static void faces() {
        Random random = new Random(1);
        faces = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] px = new byte[48 * 48];
            random.nextBytes(px);
            faces.add(new FaceImage(48, 48, px));
        }
    }

    static ComputationGraph tinyNetwork(int inputSize, int classes) {
        return tinyNetwork(inputSize, classes, 3);
    }

    static ComputationGraph tinyNetwork(int inputSize, int classes, long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).graphBuilder()
                .addInputs("input").setInputTypes(InputType.convolutional(inputSize, inputSize, 1))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "input")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("output").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    static ModelMetadata metadata(String version, PreprocessingRecipe recipe, List<String> classes) {
        return new ModelMetadata(ModelMetadata.FORMAT_VERSION, version, "tiny test net", recipe, classes, "sha",
                null, Map.of("epochs", 0), "2026-11-28T00:00:00Z", null);
    }

    private Path write(String name, ComputationGraph net, ModelMetadata metadata) throws IOException {
        Path file = dir.resolve(name + ModelArtifact.FILE_SUFFIX);
        ModelArtifact.write(file, net, metadata);
        return file;
    }

    @Test
    @DisplayName("save then load gives the same predictions and metadata")
    void roundTrip() throws Exception {
        ComputationGraph net = tinyNetwork(40, 7);
        Path file = write("v1", net, metadata("v1", RECIPE, Emotion.names()));
        List<EmotionPrediction> before = new Dl4jEmotionClassifier("v1", net, RECIPE).classify(faces);

        ModelArtifact loaded = ModelArtifact.load(file);
        List<EmotionPrediction> after = new Dl4jEmotionClassifier(loaded).classify(faces);

        assertThat(loaded.metadata().version()).isEqualTo("v1");
        assertThat(loaded.metadata().preprocessing()).isEqualTo(RECIPE);
        assertThat(loaded.metadata().networkSha256()).hasSize(64);
        for (int i = 0; i < faces.size(); i++) {
            assertThat(after.get(i).scores()).containsExactly(before.get(i).scores());
        }
    }

    @Test
    @DisplayName("an ensemble round-trips its members and averages their probabilities")
    void ensembleAveragesMembers() throws Exception {
        ComputationGraph a = tinyNetwork(40, 7, 3);
        ComputationGraph b = tinyNetwork(40, 7, 4);
        ModelMetadata.Member member = new ModelMetadata.Member("m", "tiny", null, 0.5, Map.of());
        ModelMetadata m = metadata("ens", RECIPE, Emotion.names());
        ModelMetadata ensemble = new ModelMetadata(ModelMetadata.ENSEMBLE_FORMAT_VERSION, "ens", "ensemble of 2",
                RECIPE, Emotion.names(), "sha", null, m.training(), m.createdAt(), null, List.of(member, member));
        Path file = dir.resolve("ens" + ModelArtifact.FILE_SUFFIX);
        ModelArtifact.write(file, List.of(a, b), ensemble);

        ModelArtifact loaded = ModelArtifact.load(file);
        assertThat(loaded.networks()).hasSize(2);
        assertThat(loaded.metadata().members()).extracting(ModelMetadata.Member::networkSha256)
                .allSatisfy(sha -> assertThat(sha).hasSize(64)).doesNotHaveDuplicates();
        List<EmotionPrediction> both = new Dl4jEmotionClassifier(loaded).classify(faces);
        List<EmotionPrediction> first = new Dl4jEmotionClassifier("a", a, RECIPE).classify(faces);
        List<EmotionPrediction> second = new Dl4jEmotionClassifier("b", b, RECIPE).classify(faces);
        for (int i = 0; i < faces.size(); i++) {
            for (int k = 0; k < Emotion.COUNT; k++) {
                float mean = (first.get(i).scores()[k] + second.get(i).scores()[k]) / 2;
                assertThat(both.get(i).scores()[k]).isCloseTo(mean, org.assertj.core.api.Assertions.within(1e-6f));
            }
        }
    }

    @Test
    @DisplayName("members are refused in a format-1 artifact, and an ensemble's metadata must name every network")
    void refusesMembersWithoutEnsembleFormat() throws Exception {
        ModelMetadata.Member member = new ModelMetadata.Member("m", "tiny", null, null, null);
        ModelMetadata m = metadata("bad", RECIPE, Emotion.names()).withMembers(List.of(member));
        Path file = dir.resolve("bad" + ModelArtifact.FILE_SUFFIX);
        ModelArtifact.write(file, List.of(tinyNetwork(40, 7)), m);
        assertThatThrownBy(() -> ModelArtifact.load(file)).isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("members belong to format 2");
        assertThatThrownBy(() -> ModelArtifact.write(file, List.of(tinyNetwork(40, 7), tinyNetwork(40, 7)),
                metadata("one", RECIPE, Emotion.names()))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("batched predictions equal one-at-a-time predictions")
    void batchEqualsSingle() throws Exception {
        Dl4jEmotionClassifier c = new Dl4jEmotionClassifier("v1", tinyNetwork(40, 7), RECIPE);
        List<EmotionPrediction> batch = c.classify(faces);
        for (int i = 0; i < faces.size(); i++) {
            EmotionPrediction single = c.classify(List.of(faces.get(i))).get(0);
            assertThat(single.predicted()).isEqualTo(batch.get(i).predicted());
            assertThat(single.confidence()).isCloseTo(batch.get(i).confidence(), org.assertj.core.api.Assertions.within(1e-5f));
        }
    }

    @Test
    @DisplayName("a truncated file is refused as corrupt or truncated")
    void refusesTruncated() throws Exception {
        Path file = write("v1", tinyNetwork(40, 7), metadata("v1", RECIPE, Emotion.names()));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ModelArtifact.load(file)).isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    @DisplayName("a file that is not a zip is refused")
    void refusesGarbage() throws Exception {
        Path file = dir.resolve("garbage" + ModelArtifact.FILE_SUFFIX);
        Files.writeString(file, "not a model");
        assertThatThrownBy(() -> ModelArtifact.load(file)).isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("no model.json");
    }

    @Test
    @DisplayName("a network whose input does not fit the recipe's crop is refused as incompatible")
    void refusesIncompatibleInput() throws Exception {
        // a dense-input network: fixed input size 48 while the recipe says 40
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder().addInputs("input")
                .setInputTypes(InputType.convolutionalFlat(48, 48, 1))
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(7)
                        .activation(Activation.SOFTMAX).build(), "input")
                .setOutputs("output").build());
        net.init();
        Path file = write("wrong-input", net, metadata("wrong-input", RECIPE, Emotion.names()));
        assertThatThrownBy(() -> ModelArtifact.load(file)).isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("incompatible");
    }

    @Test
    @DisplayName("a model.json that lies about its classes is refused")
    void refusesWrongClasses() throws Exception {
        Path file = write("liar", tinyNetwork(40, 7), metadata("liar", RECIPE,
                List.of("HAPPY", "SAD", "ANGRY", "FEAR", "DISGUST", "SURPRISE", "NEUTRAL")));
        assertThatThrownBy(() -> ModelArtifact.load(file)).isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("Kaggle order");
    }

    @Test
    @DisplayName("a network with the wrong number of outputs is refused")
    void refusesWrongOutputs() throws Exception {
        Path file = write("five", tinyNetwork(40, 5), metadata("five", RECIPE, Emotion.names()));
        assertThatThrownBy(() -> ModelArtifact.load(file)).isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("output shape");
    }

    @Test
    @DisplayName("a folder resolves to its newest artifact")
    void locatesNewest() throws Exception {
        Path old = write("old", tinyNetwork(40, 7), metadata("old", RECIPE, Emotion.names()));
        Path fresh = write("new", tinyNetwork(40, 7), metadata("new", RECIPE, Emotion.names()));
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(1000));
        assertThat(ModelLocator.resolve(dir)).isEqualTo(fresh);
        assertThatThrownBy(() -> ModelLocator.resolve(dir.resolve("missing")))
                .isInstanceOf(ModelArtifactException.class).hasMessageContaining("does not exist");
    }
}

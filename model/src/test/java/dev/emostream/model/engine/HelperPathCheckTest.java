package dev.emostream.model.engine;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelLocator;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.inference.EmotionPrediction;
import dev.emostream.model.csv.Fer2013CsvReader;
import dev.emostream.model.csv.Fer2013Files;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.model.face.FaceImage;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The shipped model on real faces: DL4J's oneDNN helpers are engaged by default and compute what the built-in path does. */
class HelperPathCheckTest {

    private static ModelArtifact shipped;
    private static final List<Fer2013Row> faces = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        shipped = ModelArtifact.load(ModelLocator.resolve(Path.of("../models")));
        try (Fer2013CsvReader csv = Fer2013CsvReader.open(Fer2013Files.find().sample(Fer2013Files.PUBLIC_TEST_SAMPLE))) {
            while (faces.size() < 512) {
                faces.add(csv.next().orElseThrow());
            }
        }
    }

    @Test
    @DisplayName("every convolution and batch-norm layer of a loaded model runs on a oneDNN helper")
    void helpersEngagedByDefault() {
        assumeTrue(OneDnnHelpers.nativeBuildHasOneDnn(),
                "built with -Dnd4j.classifier=linux-x86_64 (the plain native build): no oneDNN helpers to check");
        Map<String, String> helpers = OneDnnHelpers.helpersOf(shipped.networks().get(0));
        long convs = layersNamed("_conv");
        long norms = layersNamed("_bn");
        assertThat(convs).isPositive();
        assertThat(helpers.entrySet().stream().filter(e -> e.getKey().endsWith("_conv")))
                .hasSize((int) convs).allSatisfy(e -> assertThat(e.getValue()).isEqualTo("MKLDNNConvHelper"));
        assertThat(helpers.entrySet().stream().filter(e -> e.getKey().endsWith("_bn")))
                .hasSize((int) norms).allSatisfy(e -> assertThat(e.getValue()).isEqualTo("MKLDNNBatchNormHelper"));
        assertThat(OneDnnHelpers.helpersOf(OneDnnHelpers.build(false, () -> shipped.networks().get(0).clone()))).isEmpty();
    }

    @Test
    @DisplayName("helper and built-in paths agree layer by layer to float rounding: activations, gradients, running statistics")
    void helperPathMatchesBuiltIn() {
        assumeTrue(OneDnnHelpers.nativeBuildHasOneDnn(), "the plain native build has no helper path to compare");
        HelperPathCheck.Result r = HelperPathCheck.compare(() -> shipped.networks().get(0).clone(), batch(64));
        assertThat(r.inferenceActivations()).as("inference activations %s", r.perArray()).isLessThan(1e-3);
        assertThat(r.trainingActivations()).as("training activations %s", r.perArray()).isLessThan(1e-3);
        assertThat(r.gradientExcess()).as("gradients against their rounding floor %s", r.perArray()).isLessThanOrEqualTo(1);
        assertThat(r.runningStatistics()).as("running statistics %s", r.perArray()).isLessThan(1e-3);
        assertThat(r.helperRepeat()).as("two gradient calls on one batch").isLessThan(1e-6);
        assertThat(r.perArray().keySet()).anyMatch(k -> k.startsWith("gradient ") && k.endsWith("_conv_W"))
                .anyMatch(k -> k.startsWith("running ") && k.endsWith("_bn_mean"));
    }

    @Test
    @DisplayName("the two paths predict the same class for real faces")
    void predictionsAgree() {
        List<FaceImage> sample = faces.stream().map(Fer2013Row::face).toList();
        List<EmotionPrediction> helper = new Dl4jEmotionClassifier(shipped).classify(sample);
        List<ComputationGraph> builtInNets = OneDnnHelpers.build(false,
                shipped::copyNetworks);
        List<EmotionPrediction> builtIn = new Dl4jEmotionClassifier(shipped.metadata().version(), builtInNets,
                shipped.metadata().preprocessing()).classify(sample);
        int same = 0;
        for (int i = 0; i < sample.size(); i++) {
            same += helper.get(i).predicted() == builtIn.get(i).predicted() ? 1 : 0;
        }
        assertThat(same).isGreaterThanOrEqualTo(sample.size() - 1);
    }

    private static long layersNamed(String suffix) {
        return java.util.Arrays.stream(shipped.networks().get(0).getLayers())
                .filter(l -> l.getConfig().getLayerName().endsWith(suffix)).count();
    }

    private static DataSet batch(int n) {
        return HelperPathCheck.batch(faces.subList(0, n), shipped.metadata().preprocessing());
    }
}

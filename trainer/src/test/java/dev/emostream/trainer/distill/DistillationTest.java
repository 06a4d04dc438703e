package dev.emostream.trainer.distill;

import dev.emostream.model.Emotion;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelMetadata;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.net.OutputHead;
import dev.emostream.trainer.net.ResNetFactory;
import dev.emostream.trainer.net.ResNetSpec;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("Distillation")
class DistillationTest {

    private static final ResNetSpec TINY = new ResNetSpec(4, 3, 2, false, new int[]{4}, new int[]{1}, 0);

    @TempDir
    Path dir;

    /** A tiny teacher artifact whose model.json records the given validation split (null: none). */
    private Path teacher(String name, String splitIds) throws Exception {
        Path file = dir.resolve(name + ModelArtifact.FILE_SUFFIX);
        Map<String, Object> training = splitIds == null ? Map.of()
                : Map.of("validationSplit", Map.of("idsSha256", splitIds));
        ModelArtifact.write(file, ResNetFactory.build(TINY, 40, new Adam(1e-3), 0, null, WorkspaceMode.ENABLED, 1),
                new ModelMetadata(ModelMetadata.FORMAT_VERSION, name, TINY.describe(), PreprocessingRecipe.fer2013(40),
                        Emotion.names(), "train-sha", null, training, "2026-12-06T00:00:00Z", null));
        return file;
    }

    @Test
    @DisplayName("the served copy of a student gives the softmax of its logits")
    void servingNetworkIsSoftmaxOfLogits() throws Exception {
        ComputationGraph student = ResNetFactory.buildWithHead(TINY, 16, new Adam(1e-3), 0,
                new OutputHead(Activation.IDENTITY, new DistillationLoss(2, 0.9)), WorkspaceMode.ENABLED, 3);
        Teachers teachers = Teachers.load(List.of(teacher("t", null)), PreprocessingRecipe.fer2013(16), r -> r, "none");
        ComputationGraph serving = new Distillation(teachers, 2, 0.9, Map.of()).servingNetwork(student);
        INDArray input = Nd4j.rand(new long[]{3, 1, 16, 16});
        INDArray logits = student.outputSingle(false, input);
        INDArray probabilities = serving.outputSingle(false, input);
        assertThat(probabilities.sub(Transforms.softmax(logits, true)).amaxNumber().doubleValue()).isLessThan(1e-5);
        for (double sum : probabilities.sum(1).toDoubleVector()) {
            assertThat(sum).isCloseTo(1, within(1e-5));
        }
    }

    @Test
    @DisplayName("tempering keeps the teachers' probabilities at T 1 and flattens them, in order, at T 2")
    void temper() {
        float[] p = {0.6f, 0.2f, 0.1f, 0.05f, 0.03f, 0.02f, 0f};
        float[] same = new float[7];
        float[] flat = new float[7];
        Distillation.temper(p, 0, 1, same, 0);
        Distillation.temper(p, 0, 2, flat, 0);
        for (int j = 0; j < 7; j++) {
            assertThat(same[j]).isCloseTo(p[j], within(1e-6f));
        }
        assertThat(flat[0]).isLessThan(p[0]);
        assertThat(flat[3]).isGreaterThan(p[3]);
        assertThat(flat[0] / flat[1]).isCloseTo((float) Math.sqrt(3), within(1e-4f));
    }

    @Test
    @DisplayName("teachers trained on the same file with the same validation slice pass the split check; others are named")
    void splitCheck() throws Exception {
        Teachers teachers = Teachers.load(List.of(teacher("same", "ids-a"), teacher("other", "ids-b"),
                teacher("none", null)), PreprocessingRecipe.fer2013(40), r -> r.withFlipAverage(true), "flip");
        Map<String, Object> split = Map.of("idsSha256", "ids-a");
        List<String> other = teachers.notOnSplit("train-sha", split);
        assertThat(other).hasSize(2);
        assertThat(other.get(0)).startsWith("other ");
        assertThat(other.get(1)).startsWith("none ");
        assertThat(teachers.notOnSplit("another-file", split)).hasSize(3);
    }
}

package dev.emostream.trainer.train;

import dev.emostream.model.Emotion;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.data.FaceDataset;
import dev.emostream.trainer.net.ResNetSpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Trains a small residual net for about a minute on real faces and checks it learned something. */
class LearningTest {

    @TempDir
    Path out;

    @Test
    @DisplayName("a small ResNet trained briefly on 4,000 real faces beats chance on 1,000 held-out faces")
    void beatsChance() throws Exception {
        FacePreprocessor pre = new FacePreprocessor(PreprocessingRecipe.fer2013(32));
        FaceDataset all = FaceDataset.read(TestData.fer2013("public_test.csv.gz"), pre);
        FaceDataset train = all.subset("first 2589", range(0, 2589));
        FaceDataset heldOut = all.subset("last 1000", range(2589, 3589));
        // public_test has 3,589 faces; more come from train.csv.gz's first rows
        FaceDataset more = FaceDataset.read(TestData.fer2013("train.csv.gz"), pre);
        train = concat(train, more.subset("train head", range(0, 1411)));

        ResNetSpec small = new ResNetSpec(16, 3, 2, false, new int[]{16, 32, 64}, new int[]{1, 1, 1}, 0);
        TrainingOptions options = new TrainingOptions(small, 32, 3, 32, "adam", 3e-3, 1e-4, 0, "cosine", 0.2, 2, 0.3,
                0, true, 5, 0.05, 0, 0, false, false, false, 7, 1000, "learning-test");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainingState state = new Trainer(options, train, heldOut, out, "test", new PrintStream(log)).run(false);

        int majority = Arrays.stream(heldOut.classCounts()).max().orElseThrow();
        double majorityRate = majority / (double) heldOut.size();
        assertThat(state.bestAccuracy)
                .as("held-out accuracy vs always guessing the majority class (%.3f); log:%n%s", majorityRate, log)
                .isGreaterThan(majorityRate + 0.05);
        assertThat(state.history.get(state.history.size() - 1).trainLoss()).isLessThan(state.history.get(0).trainLoss());

        // the artifact the run wrote scores the same as the run said
        ModelArtifact artifact = ModelArtifact.load(out.resolve("learning-test" + ModelArtifact.FILE_SUFFIX));
        double reloaded = Evaluation.run(new Dl4jEmotionClassifier(artifact), heldOut, 256, n -> { }).confusion().accuracy();
        assertThat(reloaded).isEqualTo(state.bestAccuracy);
        assertThat(Files.readString(out.resolve("report.md"))).contains("Per class").contains(Emotion.DISGUST.name());
        assertThat(out.resolve("training-curves.png")).exists();
        assertThat(out.resolve("confusion-matrix.png")).exists();
    }

    private static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    private static FaceDataset concat(FaceDataset a, FaceDataset b) {
        java.util.List<dev.emostream.model.face.FaceImage> faces = new java.util.ArrayList<>(a.faces());
        faces.addAll(b.faces());
        java.util.List<String> ids = new java.util.ArrayList<>();
        int[] labels = new int[a.size() + b.size()];
        for (int i = 0; i < a.size(); i++) {
            ids.add(a.id(i));
            labels[i] = a.label(i);
        }
        for (int i = 0; i < b.size(); i++) {
            ids.add(b.id(i));
            labels[a.size() + i] = b.label(i);
        }
        return new FaceDataset("mixed", faces, ids, labels);
    }
}

package dev.emostream.trainer.train;

import dev.emostream.model.Emotion;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.csv.Fer2013Files;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.data.Augmentation;
import dev.emostream.trainer.data.FaceDataset;
import dev.emostream.trainer.net.ResNetSpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Trains a small residual net for about a minute on the bundled sample's real faces and checks it learned something. */
class LearningTest {

    private static final Logger LOG = LoggerFactory.getLogger(LearningTest.class);

    @TempDir
    Path out;

    @Test
    @DisplayName("a small ResNet trained briefly on the 1,600 sample training faces beats chance on the 800 sample test faces")
    void beatsChance() throws Exception {
        FacePreprocessor pre = new FacePreprocessor(PreprocessingRecipe.fer2013(32));
        Fer2013Files data = Fer2013Files.find();
        FaceDataset train = FaceDataset.read(data.sample(Fer2013Files.TRAIN_SAMPLE), pre);
        FaceDataset heldOut = FaceDataset.read(data.sample(Fer2013Files.PUBLIC_TEST_SAMPLE), pre);

        ResNetSpec small = new ResNetSpec(16, 3, 2, false, new int[]{16, 32, 64}, new int[]{1, 1, 1}, 0);
        TrainingOptions options = new TrainingOptions(small, 32, 10, 32, "adam", 3e-3, 1e-4, 0, "cosine", 0.2, 2, 0.3,
                0, 0, new Augmentation(true, 5, 0.05, 0, 0), false, false, 7, 1000, "learning-test", null, false, false);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainingState state = new Trainer(options, new HardLabels(0, false), new TrainingData(train, heldOut, null, null),
                out, "test", new PrintStream(log)).run(false);

        int majority = Arrays.stream(heldOut.classCounts()).max().orElseThrow();
        double majorityRate = majority / (double) heldOut.size();
        LOG.info("held-out accuracy {} after {} epochs; always guessing the majority class: {}", state.bestAccuracy,
                state.history.size(), majorityRate);
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
}

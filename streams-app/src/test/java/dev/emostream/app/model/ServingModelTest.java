package dev.emostream.app.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelLocator;
import dev.emostream.model.csv.Fer2013CsvReader;
import dev.emostream.model.csv.Fer2013Files;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.inference.EmotionPrediction;

@DisplayName("ServingModel")
class ServingModelTest {

    private static ModelArtifact shipped;
    private static final List<FaceImage> faces = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        shipped = ModelArtifact.load(ModelLocator.resolve(Path.of("../models")));
        try (Fer2013CsvReader csv = Fer2013CsvReader.open(Fer2013Files.find().sample(Fer2013Files.PUBLIC_TEST_SAMPLE))) {
            while (faces.size() < 32) {
                faces.add(csv.next().orElseThrow().face());
            }
        }
    }

    @Test
    @DisplayName("serves the network as trained when folding is off, and a folded one that scores the same when on")
    void foldingOption() {
        List<EmotionPrediction> asTrained = new Dl4jEmotionClassifier(shipped).classify(faces);
        List<EmotionPrediction> off = ServingModel.of(shipped, "test", false).classify(faces);
        List<EmotionPrediction> on = ServingModel.of(shipped, "test", true).classify(faces);

        boolean anyDifferent = false;
        for (int i = 0; i < faces.size(); i++) {
            assertThat(off.get(i).scores()).containsExactly(asTrained.get(i).scores());
            assertThat(on.get(i).scores()).containsExactly(asTrained.get(i).scores(),
                    org.assertj.core.data.Offset.offset(1e-4f));
            anyDifferent |= !java.util.Arrays.equals(on.get(i).scores(), asTrained.get(i).scores());
        }
        assertThat(anyDifferent).as("folded weights round differently somewhere: the folded network served").isTrue();
    }

    @Test
    @DisplayName("a batch beside a running one gets a copy of the folded network, not of the artifact's")
    void copiesAreFolded() throws Exception {
        ServingModel served = ServingModel.of(shipped, "test", true);
        List<EmotionPrediction> first = served.classify(faces);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var barrier = new java.util.concurrent.CyclicBarrier(2);
            List<java.util.concurrent.Future<List<EmotionPrediction>>> runs = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                runs.add(pool.submit(() -> {
                    barrier.await();
                    List<EmotionPrediction> last = null;
                    for (int r = 0; r < 5; r++) {
                        last = served.classify(faces);
                    }
                    return last;
                }));
            }
            for (var run : runs) {
                List<EmotionPrediction> p = run.get();
                for (int i = 0; i < faces.size(); i++) {
                    assertThat(p.get(i).scores()).containsExactly(first.get(i).scores());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(served.networks()).isEqualTo(2);
    }
}

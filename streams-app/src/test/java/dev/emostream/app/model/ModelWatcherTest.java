package dev.emostream.app.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.emostream.app.testing.TestModels;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.EmotionPrediction;

@DisplayName("ModelWatcher")
class ModelWatcherTest {

    @TempDir
    Path models;

    private ModelHolder holderServing(String version) throws Exception {
        Path file = TestModels.write(models, version, 1);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
        return new ModelHolder(new ModelLoader(true).load(models));
    }

    @Test
    @DisplayName("swaps in a newer verified artifact from the folder")
    void swapsNewerArtifact() throws Exception {
        ModelHolder holder = holderServing("m1");
        ModelWatcher watcher = new ModelWatcher(models, new ModelLoader(true), holder, Duration.ofSeconds(1), Path.of(holder.current().origin()));
        assertThat(watcher.check()).isEqualTo(ModelWatcher.Outcome.UNCHANGED);

        TestModels.write(models, "m2", 2);

        assertThat(watcher.check()).isEqualTo(ModelWatcher.Outcome.SWAPPED);
        assertThat(holder.current().version()).isEqualTo("m2");
        assertThat(holder.current().classify(List.of(new FaceImage(48, 48, new byte[48 * 48]))))
                .hasSize(1);
        assertThat(watcher.check()).as("the same file is not loaded twice").isEqualTo(ModelWatcher.Outcome.UNCHANGED);
    }

    @Test
    @DisplayName("refuses a corrupt artifact once and keeps the old model serving")
    void refusesCorruptArtifact() throws Exception {
        ModelHolder holder = holderServing("m1");
        ModelWatcher watcher = new ModelWatcher(models, new ModelLoader(true), holder, Duration.ofSeconds(1), Path.of(holder.current().origin()));

        Files.write(models.resolve("broken.model.zip"), new byte[]{'P', 'K', 3, 4, 1, 2, 3});

        assertThat(watcher.check()).isEqualTo(ModelWatcher.Outcome.REFUSED);
        assertThat(holder.current().version()).isEqualTo("m1");
        assertThat(watcher.check()).as("not retried until it changes").isEqualTo(ModelWatcher.Outcome.UNCHANGED);
    }

    @Test
    @DisplayName("batches that run at the same time get their own copies of the network, with the same predictions")
    void networkPerConcurrentBatch() throws Exception {
        ServingModel model = holderServing("m1").current();
        List<FaceImage> faces = List.of(new FaceImage(48, 48, new byte[48 * 48]));
        float[] alone = model.classify(faces).get(0).scores();
        assertThat(model.networks()).isEqualTo(1);

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier together = new CyclicBarrier(2);
            Callable<List<EmotionPrediction>> batch = () -> {
                together.await();
                return model.classify(faces);
            };
            List<Future<List<EmotionPrediction>>> results = pool.invokeAll(List.of(batch, batch));
            for (Future<List<EmotionPrediction>> r : results) {
                assertThat(r.get().get(0).scores()).containsExactly(alone);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(model.networks()).as("one more at most, for the batch beside the first").isBetween(1, 2);
    }
}

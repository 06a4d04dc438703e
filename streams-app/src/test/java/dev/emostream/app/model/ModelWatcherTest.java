package dev.emostream.app.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.emostream.app.testing.TestModels;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.EmotionClassifier;

@DisplayName("ModelWatcher")
class ModelWatcherTest {

    @TempDir
    Path models;

    private ModelHolder holderServing(String version) throws Exception {
        Path file = TestModels.write(models, version, 1);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
        return new ModelHolder(ModelLoader.load(models));
    }

    @Test
    @DisplayName("swaps in a newer verified artifact from the folder")
    void swapsNewerArtifact() throws Exception {
        ModelHolder holder = holderServing("m1");
        ModelWatcher watcher = new ModelWatcher(models, holder, Duration.ofSeconds(1), Path.of(holder.current().origin()));
        assertThat(watcher.check()).isEqualTo(ModelWatcher.Outcome.UNCHANGED);

        TestModels.write(models, "m2", 2);

        assertThat(watcher.check()).isEqualTo(ModelWatcher.Outcome.SWAPPED);
        assertThat(holder.current().version()).isEqualTo("m2");
        assertThat(holder.current().classifier().classify(List.of(new FaceImage(48, 48, new byte[48 * 48]))))
                .hasSize(1);
        assertThat(watcher.check()).as("the same file is not loaded twice").isEqualTo(ModelWatcher.Outcome.UNCHANGED);
    }

    @Test
    @DisplayName("refuses a corrupt artifact once and keeps the old model serving")
    void refusesCorruptArtifact() throws Exception {
        ModelHolder holder = holderServing("m1");
        ModelWatcher watcher = new ModelWatcher(models, holder, Duration.ofSeconds(1), Path.of(holder.current().origin()));

        Files.write(models.resolve("broken.model.zip"), new byte[]{'P', 'K', 3, 4, 1, 2, 3});

        assertThat(watcher.check()).isEqualTo(ModelWatcher.Outcome.REFUSED);
        assertThat(holder.current().version()).isEqualTo("m1");
        assertThat(watcher.check()).as("not retried until it changes").isEqualTo(ModelWatcher.Outcome.UNCHANGED);
    }

    @Test
    @DisplayName("a second thread gets its own copy of the network, with the same predictions")
    void perThreadClassifier() throws Exception {
        ServingModel model = holderServing("m1").current();
        FaceImage face = new FaceImage(48, 48, new byte[48 * 48]);
        EmotionClassifier mine = model.classifier();
        EmotionClassifier[] other = new EmotionClassifier[1];
        Thread t = new Thread(() -> other[0] = model.classifier());
        t.start();
        t.join();

        assertThat(other[0]).isNotSameAs(mine);
        assertThat(other[0].classify(List.of(face)).get(0).scores())
                .containsExactly(mine.classify(List.of(face)).get(0).scores());
    }
}

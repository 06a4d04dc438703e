package dev.emostream.model.csv;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("where the FER2013 CSVs are looked for")
class Fer2013FilesTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("without a configured folder, the full splits are read from ../shared/data/fer2013 beside the checkout")
    void besideTheCheckout() throws IOException {
        Path root = Files.createDirectories(dir.resolve("clone/emostream"));
        Path shared = Files.createDirectories(dir.resolve("clone/shared/data/fer2013"));
        Fer2013Files files = new Fer2013Files(root, null);
        assertThat(files.fullFolder()).isEqualTo(shared);
        assertThat(files.full(Fer2013Files.PUBLIC_TEST)).isEmpty();
        Files.writeString(shared.resolve(Fer2013Files.PUBLIC_TEST), "");
        assertThat(files.full(Fer2013Files.PUBLIC_TEST)).contains(shared.resolve(Fer2013Files.PUBLIC_TEST));
    }

    @Test
    @DisplayName("a configured folder (property or environment variable) replaces the one beside the checkout")
    void configuredFolder() {
        Fer2013Files files = new Fer2013Files(dir.resolve("emostream"), dir.resolve("kaggle").toString());
        assertThat(files.fullFolder()).isEqualTo(dir.resolve("kaggle"));
        assertThat(new Fer2013Files(dir, " ").fullFolder()).isEqualTo(dir.resolve(Fer2013Files.BESIDE_CHECKOUT).normalize());
    }

    @Test
    @DisplayName("says in one line where the full split was looked for and how to provide it")
    void missingMessage() {
        String message = new Fer2013Files(dir, null).missing(Fer2013Files.TRAIN);
        assertThat(message).doesNotContain("\n")
                .contains("no full FER2013 train.csv.gz in " + dir.resolve(Fer2013Files.BESIDE_CHECKOUT).normalize())
                .contains("-Demostream.fer2013.dir").contains("EMOSTREAM_FER2013_DIR");
    }

    @Test
    @DisplayName("finds the bundled sample from a module folder, and refuses a checkout without it")
    void sample() {
        assertThat(Fer2013Files.find().sample(Fer2013Files.PUBLIC_TEST_SAMPLE)).isRegularFile();
        assertThatThrownBy(() -> new Fer2013Files(dir, null).sample(Fer2013Files.TRAIN_SAMPLE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not a complete checkout");
    }
}

package dev.emostream.model.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * {@link ModelArtifact#load} on any file: it serves a model or refuses the file with a
 * {@link ModelArtifactException}; nothing else escapes, since the model watcher must outlive a bad drop in its
 * folder. The corpus ({@code ModelArtifactFuzzTestInputs/loadsAnyFile/}) holds a tiny single-network artifact, a
 * two-member ensemble (format 2) and damaged copies; mutations of the zip mostly stop at the CRCs, which is what
 * {@link ModelArtifactPartsFuzzTest} gets past.
 */
class ModelArtifactFuzzTest {

    private static Path file;

    @BeforeAll
    static void file() throws IOException {
        file = Files.createTempFile("fuzz-", ModelArtifact.FILE_SUFFIX);
    }

    @AfterAll
    static void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    @FuzzTest(maxDuration = "2m")
    void loadsAnyFile(byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            ModelArtifact artifact = ModelArtifact.load(file);
            assertThat(artifact.networks()).hasSize(artifact.metadata().memberCount());
        } catch (ModelArtifactException refused) {
            assertThat(refused.getMessage()).contains(file.toString());
        }
    }
}

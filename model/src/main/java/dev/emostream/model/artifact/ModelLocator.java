package dev.emostream.model.artifact;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds model artifacts. A folder means its newest {@code *.model.zip} (by modification time), the
 * same rule the streams app's folder watcher uses to pick up a new model.
 */
public final class ModelLocator {

    /** System property, then environment variable, naming the folder of shipped models. */
    public static final String MODELS_PROPERTY = "emostream.models";
    public static final String MODELS_ENV = "EMOSTREAM_MODELS";

    private ModelLocator() {
    }

    /** The shipped models folder: {@code -Demostream.models}, {@code $EMOSTREAM_MODELS}, else {@code ./models}. */
    public static Path defaultModelsFolder() {
        String configured = System.getProperty(MODELS_PROPERTY, System.getenv(MODELS_ENV));
        return Path.of(configured == null || configured.isBlank() ? "models" : configured);
    }

    /** A file as is; a folder as its newest artifact. */
    public static Path resolve(Path fileOrFolder) throws ModelArtifactException {
        if (Files.isDirectory(fileOrFolder)) {
            return newest(fileOrFolder).orElseThrow(() -> new ModelArtifactException("no *"
                    + ModelArtifact.FILE_SUFFIX + " model artifact in " + fileOrFolder.toAbsolutePath()));
        }
        if (!Files.exists(fileOrFolder)) {
            throw new ModelArtifactException("model artifact " + fileOrFolder.toAbsolutePath() + " does not exist");
        }
        return fileOrFolder;
    }

    public static Optional<Path> newest(Path folder) throws ModelArtifactException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(ModelArtifact.FILE_SUFFIX))
                    .filter(Files::isRegularFile)
                    .max(Comparator.comparing(ModelLocator::modified).thenComparing(Path::toString));
        } catch (IOException e) {
            throw new ModelArtifactException("cannot list model folder " + folder + ": " + e.getMessage(), e);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return Long.MIN_VALUE;
        }
    }
}

package dev.emostream.app.model;

import java.nio.file.Path;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.model.artifact.ModelLocator;

/** Loads and verifies a model artifact from a file, or the newest in a folder, into a {@link ServingModel}. */
public final class ModelLoader {

    private ModelLoader() {
    }

    /**
     * @throws ModelArtifactException with a one-line reason: missing, corrupt, incompatible
     */
    public static ServingModel load(Path fileOrFolder) throws ModelArtifactException {
        Path file = ModelLocator.resolve(fileOrFolder);
        return ServingModel.of(ModelArtifact.load(file), file.toAbsolutePath().toString());
    }
}

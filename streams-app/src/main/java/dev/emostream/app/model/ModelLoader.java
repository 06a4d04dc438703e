package dev.emostream.app.model;

import java.nio.file.Path;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.model.artifact.ModelLocator;

/**
 * Loads and verifies a model artifact from a file, or the newest in a folder, into a {@link ServingModel}; with
 * {@code model.fold.batch.norm} its batch norms folded into the convolutions for serving (the file is not changed).
 */
public final class ModelLoader {

    private final boolean foldBatchNorm;

    public ModelLoader(boolean foldBatchNorm) {
        this.foldBatchNorm = foldBatchNorm;
    }

    /**
     * @throws ModelArtifactException with a one-line reason: missing, corrupt, incompatible
     */
    public ServingModel load(Path fileOrFolder) throws ModelArtifactException {
        Path file = ModelLocator.resolve(fileOrFolder);
        return load(file, file.toAbsolutePath().toString());
    }

    /**
     * @param origin where it came from, for logs and /health (a control topic's artifacts are files in a cache)
     */
    public ServingModel load(Path file, String origin) throws ModelArtifactException {
        ModelArtifact artifact = ModelArtifact.load(file);
        try {
            return ServingModel.of(artifact, origin, foldBatchNorm);
        } catch (RuntimeException e) {
            // the verified networks cannot be prepared for serving (folded, pooled): a verdict on the artifact itself
            throw new ModelArtifactException("model artifact " + file + ": cannot prepare it for serving: " + e, e);
        }
    }
}

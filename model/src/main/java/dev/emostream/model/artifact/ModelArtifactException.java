package dev.emostream.model.artifact;

/** A model artifact that cannot be used: missing, corrupt, truncated or incompatible. */
public class ModelArtifactException extends Exception {
    public ModelArtifactException(String message) {
        super(message);
    }

    public ModelArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.emostream.schemas.registry;

import dev.emostream.schemas.serde.FaceSerdeException;

/**
 * The registry could not be reached, or kept answering 5xx, through every retry. Retriable: the record that
 * needed the registry is not known to be bad.
 */
public final class SchemaRegistryUnavailableException extends FaceSerdeException {

    private final String url;
    private final int attempts;

    public SchemaRegistryUnavailableException(String url, int attempts, String lastFailure, Throwable cause) {
        super(Reason.REGISTRY_UNAVAILABLE,
                "schema registry unavailable: " + url + " failed " + attempts + " attempt(s), last: " + lastFailure, cause);
        this.url = url;
        this.attempts = attempts;
    }

    /** The request URL that failed (without credentials). */
    public String url() {
        return url;
    }

    public int attempts() {
        return attempts;
    }
}

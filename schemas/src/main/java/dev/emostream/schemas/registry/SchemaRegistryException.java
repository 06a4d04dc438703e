package dev.emostream.schemas.registry;

import dev.emostream.schemas.serde.FaceSerdeException;

/**
 * The registry answered with an error no retry will fix and no more specific exception covers: bad
 * credentials (401/403), an invalid schema (422), an unknown subject (404 on a subject) and the like.
 */
public final class SchemaRegistryException extends FaceSerdeException {

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        super(Reason.REGISTRY_ERROR, message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent's {@code error_code} from the response body (e.g. 40401 subject not found), 0 when absent. */
    public int errorCode() {
        return errorCode;
    }
}

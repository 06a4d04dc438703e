package dev.emostream.schemas.serde;

/** A record that its own schema cannot encode, typically a required field left null. */
public final class InvalidRecordException extends FaceSerdeException {

    public InvalidRecordException(String message, Throwable cause) {
        super(Reason.INVALID_RECORD, message, cause);
    }
}

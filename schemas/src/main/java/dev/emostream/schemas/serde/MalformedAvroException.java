package dev.emostream.schemas.serde;

/** The bytes after the header are not a valid Avro encoding of the writer schema. */
public final class MalformedAvroException extends FaceSerdeException {

    public MalformedAvroException(String message) {
        super(Reason.MALFORMED_AVRO, message);
    }

    public MalformedAvroException(String message, Throwable cause) {
        super(Reason.MALFORMED_AVRO, message, cause);
    }
}

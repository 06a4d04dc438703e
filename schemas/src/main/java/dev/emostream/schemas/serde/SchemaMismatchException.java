package dev.emostream.schemas.serde;

/** The writer schema named in the payload cannot be resolved to the record type the deserializer produces. */
public final class SchemaMismatchException extends FaceSerdeException {

    public SchemaMismatchException(String message) {
        super(Reason.SCHEMA_MISMATCH, message);
    }
}

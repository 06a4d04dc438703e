package dev.emostream.app.topology;

import dev.emostream.model.image.ImageRejectedException;
import dev.emostream.schemas.serde.FaceSerdeException;

/**
 * Why a record went to the dead-letter topic; the name is written into the {@code emostream.reject.reason}
 * header and tags the {@code emostream_frames_rejected_total} metric, so the names are stable.
 */
public enum RejectReason {
    /** A null value. On a compacted topic that is a delete; on a faces topic it is not a frame. */
    TOMBSTONE,
    EMPTY_PAYLOAD,
    BAD_MAGIC_BYTE,
    /** The registry has no schema with the record's id (Confluent error code 40403). */
    UNKNOWN_SCHEMA_ID,
    /** The record's schema id names a Protobuf or JSON schema, or a text that is not valid Avro. */
    NOT_AVRO_SCHEMA,
    /** The record's writer schema references a schema the registry does not have. */
    UNRESOLVED_SCHEMA_REFERENCE,
    MALFORMED_AVRO,
    /** The writer schema cannot be read as a FaceFrame, e.g. a required field is missing from it. */
    SCHEMA_MISMATCH,
    /** Decoding failed in a way the serde has no code for. */
    UNDECODABLE,
    /** A required field is present but empty (frame id, source id). */
    MISSING_FIELD,
    /** RAW: width * height differs from the number of pixel bytes; PNG, JPEG: the file's size is not the record's. */
    SIZE_MISMATCH,
    /** The face (its box, or the whole image) is outside {@code frame.min.size..frame.max.size} a side. */
    SIZE_OUT_OF_BOUNDS,
    /** A true label that is not one of the seven classes. */
    LABEL_OUT_OF_RANGE,
    /** More image bytes than {@code image.max.bytes}. */
    IMAGE_BYTES_TOO_LARGE,
    /** The record's or the file header's size above {@code image.max.size} or {@code image.max.pixels}: a bomb. */
    IMAGE_TOO_LARGE,
    /** Not a file of the declared encoding, or a variant the decoder does not read (CMYK, lossless JPEG). */
    UNSUPPORTED_IMAGE,
    /** The face box has no pixels or leaves the image. */
    FACE_BOX_OUTSIDE_IMAGE,
    /** The file ends before the face's pixels do. */
    TRUNCATED_IMAGE,
    /** The file is damaged in another way (the decoder's words are in the message). */
    CORRUPT_IMAGE;

    /** The reject reason for a serde failure that is bad data (never for a transient or configuration one). */
    public static RejectReason of(FaceSerdeException.Reason reason) {
        return switch (reason) {
            case EMPTY_PAYLOAD -> EMPTY_PAYLOAD;
            case BAD_MAGIC_BYTE -> BAD_MAGIC_BYTE;
            case UNKNOWN_SCHEMA_ID -> UNKNOWN_SCHEMA_ID;
            case NOT_AVRO_SCHEMA -> NOT_AVRO_SCHEMA;
            case UNRESOLVED_SCHEMA_REFERENCE -> UNRESOLVED_SCHEMA_REFERENCE;
            case MALFORMED_AVRO -> MALFORMED_AVRO;
            case SCHEMA_MISMATCH -> SCHEMA_MISMATCH;
            default -> UNDECODABLE;
        };
    }

    /** The reject reason for an image the decoder refused: the same name. */
    public static RejectReason of(ImageRejectedException.Problem problem) {
        return switch (problem) {
            case IMAGE_BYTES_TOO_LARGE -> IMAGE_BYTES_TOO_LARGE;
            case IMAGE_TOO_LARGE -> IMAGE_TOO_LARGE;
            case UNSUPPORTED_IMAGE -> UNSUPPORTED_IMAGE;
            case FACE_BOX_OUTSIDE_IMAGE -> FACE_BOX_OUTSIDE_IMAGE;
            case TRUNCATED_IMAGE -> TRUNCATED_IMAGE;
            case CORRUPT_IMAGE -> CORRUPT_IMAGE;
            case SIZE_MISMATCH -> SIZE_MISMATCH;
            case SIZE_OUT_OF_BOUNDS -> SIZE_OUT_OF_BOUNDS;
        };
    }
}

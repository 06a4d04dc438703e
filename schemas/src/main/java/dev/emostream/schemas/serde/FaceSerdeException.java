package dev.emostream.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Base of every failure the serde and the schema-registry client report. It extends Kafka's
 * {@link SerializationException} so that a Kafka Streams {@code DeserializationExceptionHandler} (and a plain
 * consumer's poll loop) sees it as a record that could not be (de)serialized.
 *
 * <p>{@link #reason()} is a stable short code meant for machines: the streams app writes it into the
 * dead-letter headers. {@link #isRetriable()} separates bad data, which no retry will fix and belongs in
 * the dead-letter topic, from a registry that is down, where the record is fine and should be retried
 * (crash and restart from the last commit rather than dead-letter good data).
 */
public abstract class FaceSerdeException extends SerializationException {

    /** Why a record could not be (de)serialized. The names are stable: they end up in dead-letter headers. */
    public enum Reason {
        /** A zero-length payload (a null value is a tombstone and not an error; see AvroDeserializer). */
        EMPTY_PAYLOAD(false),
        /** The first byte is not the Confluent wire-format magic byte 0. */
        BAD_MAGIC_BYTE(false),
        /** The schema id in the header is not known to the registry. */
        UNKNOWN_SCHEMA_ID(false),
        /** The Avro body is truncated, has trailing bytes, or declares sizes it cannot hold. */
        MALFORMED_AVRO(false),
        /** The writer schema cannot be read as the expected record type (a different record on the topic). */
        SCHEMA_MISMATCH(false),
        /** The registry refused a schema because it breaks the subject's compatibility rule. */
        INCOMPATIBLE_SCHEMA(false),
        /** A record that cannot be encoded with its own schema (for example a required field left null). */
        INVALID_RECORD(false),
        /** The registry answered with an error that is neither of the above (bad credentials, invalid schema). */
        REGISTRY_ERROR(false),
        /** The registry could not be reached or answered 5xx after all retries: the data itself may be fine. */
        REGISTRY_UNAVAILABLE(true);

        private final boolean retriable;

        Reason(boolean retriable) {
            this.retriable = retriable;
        }

        public boolean retriable() {
            return retriable;
        }
    }

    private final Reason reason;

    protected FaceSerdeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    protected FaceSerdeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** The stable failure code, e.g. {@code BAD_MAGIC_BYTE}; {@code reason().name()} goes into headers. */
    public Reason reason() {
        return reason;
    }

    /** True when the record may well be fine and the same call can succeed later (registry unavailable). */
    public boolean isRetriable() {
        return reason.retriable();
    }
}

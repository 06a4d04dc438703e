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

    /**
     * What a failure says about the record and about us, which decides what a consumer should do with it. The
     * streams app dead-letters {@link #BAD_DATA}, retries {@link #TRANSIENT} and stops on {@link #CONFIGURATION}.
     */
    public enum Kind {
        /** A fact about the record: no retry will ever read it. */
        BAD_DATA,
        /** The registry could not be asked now; the same call can succeed later and the record may be fine. */
        TRANSIENT,
        /**
         * Our setup is wrong (credentials, registry URL, a schema the registry refuses to take from us): every
         * record would fail the same way, so neither retrying nor dead-lettering helps.
         */
        CONFIGURATION
    }

    /** Why a record could not be (de)serialized. The names are stable: they end up in dead-letter headers. */
    public enum Reason {
        /** A zero-length payload (a null value is a tombstone and not an error; see AvroDeserializer). */
        EMPTY_PAYLOAD(Kind.BAD_DATA),
        /** The first byte is not the Confluent wire-format magic byte 0. */
        BAD_MAGIC_BYTE(Kind.BAD_DATA),
        /** The schema id in the header is not known to the registry (Confluent error code 40403). */
        UNKNOWN_SCHEMA_ID(Kind.BAD_DATA),
        /** The schema id names a Protobuf or JSON schema, or a text that is not a valid Avro schema. */
        NOT_AVRO_SCHEMA(Kind.BAD_DATA),
        /** The writer schema references a schema the registry cannot give us. */
        UNRESOLVED_SCHEMA_REFERENCE(Kind.BAD_DATA),
        /** The Avro body is truncated, has trailing bytes, or declares sizes it cannot hold. */
        MALFORMED_AVRO(Kind.BAD_DATA),
        /** The writer schema cannot be read as the expected record type (a different record on the topic). */
        SCHEMA_MISMATCH(Kind.BAD_DATA),
        /** The registry refused a schema because it breaks the subject's compatibility rule (HTTP 409). */
        INCOMPATIBLE_SCHEMA(Kind.CONFIGURATION),
        /** A record that cannot be encoded with its own schema (for example a required field left null). */
        INVALID_RECORD(Kind.BAD_DATA),
        /**
         * The registry answered with an error about our request that none of the above covers: bad credentials
         * (401/403), a 404 without Confluent's error code (a wrong base path), an invalid schema (422), a schema
         * that must be registered beforehand when {@code auto.register.schemas=false}.
         */
        REGISTRY_ERROR(Kind.CONFIGURATION),
        /** The registry could not be reached or answered 5xx/408/429 after all retries: the data may be fine. */
        REGISTRY_UNAVAILABLE(Kind.TRANSIENT);

        private final Kind kind;

        Reason(Kind kind) {
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }

        public boolean retriable() {
            return kind == Kind.TRANSIENT;
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

    /** Bad data, transient or our configuration: see {@link Kind}. */
    public Kind kind() {
        return reason.kind();
    }
}

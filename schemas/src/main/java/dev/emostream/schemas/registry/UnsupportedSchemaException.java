package dev.emostream.schemas.registry;

import dev.emostream.schemas.serde.FaceSerdeException;

/**
 * The schema id names a schema this Avro serde cannot use: a Protobuf or JSON schema, or a text that does not
 * parse as Avro. A fact about the record that carries the id, not about the registry.
 */
public final class UnsupportedSchemaException extends FaceSerdeException {

    private final int schemaId;
    private final String schemaType;

    public UnsupportedSchemaException(int schemaId, String schemaType, String message) {
        super(Reason.NOT_AVRO_SCHEMA, message);
        this.schemaId = schemaId;
        this.schemaType = schemaType;
    }

    public int schemaId() {
        return schemaId;
    }

    /** The registry's {@code schemaType}: {@code PROTOBUF}, {@code JSON}, or {@code AVRO} for a text that does not parse. */
    public String schemaType() {
        return schemaType;
    }
}

package dev.emostream.schemas.registry;

import dev.emostream.schemas.serde.FaceSerdeException;

/** The registry has no schema with this id (HTTP 404 on {@code GET /schemas/ids/{id}}). */
public final class UnknownSchemaIdException extends FaceSerdeException {

    private final int schemaId;

    public UnknownSchemaIdException(int schemaId) {
        super(Reason.UNKNOWN_SCHEMA_ID, "unknown schema id " + schemaId + ": the registry has no schema with this id");
        this.schemaId = schemaId;
    }

    public UnknownSchemaIdException(int schemaId, String registryUrl, String registryMessage) {
        super(Reason.UNKNOWN_SCHEMA_ID, "unknown schema id " + schemaId + " at " + registryUrl + ": " + registryMessage);
        this.schemaId = schemaId;
    }

    public int schemaId() {
        return schemaId;
    }
}

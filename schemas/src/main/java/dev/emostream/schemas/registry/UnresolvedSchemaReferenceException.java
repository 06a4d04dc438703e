package dev.emostream.schemas.registry;

import dev.emostream.schemas.serde.FaceSerdeException;

/**
 * The writer schema of a record references a schema ({@code subject} version {@code version}) that the registry
 * does not have, or the schemas together do not parse. Every record with this schema id fails the same way.
 */
public final class UnresolvedSchemaReferenceException extends FaceSerdeException {

    private final int schemaId;

    public UnresolvedSchemaReferenceException(int schemaId, String message) {
        super(Reason.UNRESOLVED_SCHEMA_REFERENCE, message);
        this.schemaId = schemaId;
    }

    public int schemaId() {
        return schemaId;
    }
}

package dev.emostream.schemas.registry;

import dev.emostream.schemas.serde.FaceSerdeException;

/** The registry refused to register a schema under a subject because it breaks the subject's compatibility level (HTTP 409). */
public final class IncompatibleSchemaException extends FaceSerdeException {

    private final String subject;
    private final String registryMessage;

    public IncompatibleSchemaException(String subject, String registryMessage) {
        super(Reason.INCOMPATIBLE_SCHEMA, "schema rejected as incompatible for subject " + subject + ": " + registryMessage);
        this.subject = subject;
        this.registryMessage = registryMessage;
    }

    public String subject() {
        return subject;
    }

    /** The registry's own explanation, as it sent it. */
    public String registryMessage() {
        return registryMessage;
    }
}

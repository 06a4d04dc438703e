package dev.emostream.schemas.registry;

import java.util.OptionalInt;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API the serde and the tools need. Implementations cache: a
 * schema already registered or fetched by this instance costs no further request.
 *
 * <p>Every method may throw {@link SchemaRegistryUnavailableException} (retriable) or
 * {@link SchemaRegistryException}; the others are named where they apply.
 */
public interface SchemaRegistryClient {

    /**
     * Registers {@code schema} under {@code subject} (idempotent: an already registered schema returns its
     * existing id) and returns its global schema id.
     *
     * @throws IncompatibleSchemaException when the subject's compatibility level rejects the schema
     */
    int register(String subject, Schema schema);

    /** The id of {@code schema} if it is registered under {@code subject}, without registering it. */
    OptionalInt lookup(String subject, Schema schema);

    /**
     * The schema with this global id.
     *
     * @throws UnknownSchemaIdException when the registry has no such id
     */
    Schema schemaById(int id);

    /**
     * The latest version registered under {@code subject} (for {@code use.latest.version}).
     *
     * @throws SchemaRegistryException when the subject has no version
     */
    RegisteredSchema latestVersion(String subject);

    /** Sets the compatibility level of one subject. */
    void setCompatibility(String subject, CompatibilityLevel level);

    /**
     * Asks whether {@code schema} could be registered under {@code subject} now, against its latest version
     * and the subject's compatibility level. A subject with no versions accepts anything.
     */
    CompatibilityResult testCompatibility(String subject, Schema schema);
}

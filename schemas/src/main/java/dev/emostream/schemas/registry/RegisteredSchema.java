package dev.emostream.schemas.registry;

import org.apache.avro.Schema;

/**
 * One version of a subject, as {@code GET /subjects/{subject}/versions/latest} answers it.
 *
 * @param subject the subject
 * @param id      the global schema id
 * @param version the version number within the subject
 * @param schema  the schema, its references resolved
 */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {
}

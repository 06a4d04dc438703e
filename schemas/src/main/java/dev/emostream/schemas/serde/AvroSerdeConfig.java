package dev.emostream.schemas.serde;

import dev.emostream.schemas.registry.SchemaRegistryClientConfig;

/**
 * Configuration keys of {@link AvroSerializer}, {@link AvroDeserializer} and {@link AvroSerde}, named as
 * Confluent's serdes name them. The schema-registry client keys ({@code schema.registry.url},
 * {@code basic.auth.user.info}, {@code max.retries}, ...) are in {@link SchemaRegistryClientConfig}.
 */
public final class AvroSerdeConfig {

    /** Register the record's schema on first use (default {@code true}); if false it must already be registered. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** The generated class a value deserializer produces, when it was created without one (class name or Class). */
    public static final String SPECIFIC_AVRO_VALUE_TYPE = "specific.avro.value.type";
    /** The generated class a key deserializer produces, when it was created without one. */
    public static final String SPECIFIC_AVRO_KEY_TYPE = "specific.avro.key.type";

    private AvroSerdeConfig() {
    }
}

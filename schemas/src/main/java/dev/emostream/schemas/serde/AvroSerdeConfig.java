package dev.emostream.schemas.serde;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;

import dev.emostream.schemas.registry.SchemaRegistryClientConfig;

/**
 * Configuration keys of {@link AvroSerializer}, {@link AvroDeserializer} and {@link AvroSerde}, named as
 * Confluent's serdes name them. The schema-registry client keys ({@code schema.registry.url},
 * {@code basic.auth.user.info}, {@code bearer.auth.token}, {@code max.retries}, ...) are in
 * {@link SchemaRegistryClientConfig}.
 */
public final class AvroSerdeConfig {

    /** Register the record's schema on first use (default {@code true}); if false it must already be registered. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /**
     * With {@code auto.register.schemas=false}: write with the subject's latest registered schema (and its id)
     * instead of looking up the record's own schema (default {@code false}).
     */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /**
     * With {@code use.latest.version}: refuse to write when the latest schema cannot read what the record's own
     * schema writes (default {@code true}).
     */
    public static final String LATEST_COMPATIBILITY_STRICT = "latest.compatibility.strict";
    /** How key subjects are named: see {@link SubjectNameStrategy} (default TopicNameStrategy). */
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    /** How value subjects are named: see {@link SubjectNameStrategy} (default TopicNameStrategy). */
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    /** The generated class a value deserializer produces, when it was created without one (class name or Class). */
    public static final String SPECIFIC_AVRO_VALUE_TYPE = "specific.avro.value.type";
    /** The generated class a key deserializer produces, when it was created without one. */
    public static final String SPECIFIC_AVRO_KEY_TYPE = "specific.avro.key.type";

    private AvroSerdeConfig() {
    }

    /** A boolean setting; {@code defaultValue} when absent. */
    static boolean flag(Map<String, ?> configs, String key, boolean defaultValue) {
        Object v = configs.get(key);
        if (v == null || v.toString().isBlank()) {
            return defaultValue;
        }
        String s = v.toString().trim();
        if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) {
            throw new ConfigException(key, v, "expected true or false");
        }
        return Boolean.parseBoolean(s);
    }

    static SubjectNameStrategy subjectNameStrategy(Map<String, ?> configs, boolean isKey) {
        String key = isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY;
        return SubjectNameStrategy.fromConfig(key, configs.get(key));
    }
}

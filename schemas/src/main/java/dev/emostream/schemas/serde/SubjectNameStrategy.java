package dev.emostream.schemas.serde;

import java.util.Locale;

import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

/**
 * The subject a serializer registers (or looks up) a record's schema under, as Confluent's
 * {@code io.confluent.kafka.serializers.subject.*} strategies name it. Configured with
 * {@value AvroSerdeConfig#KEY_SUBJECT_NAME_STRATEGY} and {@value AvroSerdeConfig#VALUE_SUBJECT_NAME_STRATEGY}.
 */
public enum SubjectNameStrategy {

    /** {@code <topic>-key} / {@code <topic>-value}: one record type per topic (Confluent's default). */
    TOPIC_NAME("TopicNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + (isKey ? "-key" : "-value");
        }
    },
    /** The record's full name, e.g. {@code dev.emostream.schemas.FaceFrame}: one subject per type, across topics. */
    RECORD_NAME("RecordNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return schema.getFullName();
        }
    },
    /** {@code <topic>-<full record name>}: several record types in one topic, each with its own history. */
    TOPIC_RECORD_NAME("TopicRecordNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + "-" + schema.getFullName();
        }
    };

    private static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";

    private final String shortName;

    SubjectNameStrategy(String shortName) {
        this.shortName = shortName;
    }

    public abstract String subject(String topic, boolean isKey, Schema schema);

    /** Confluent's class name, e.g. {@code io.confluent.kafka.serializers.subject.TopicNameStrategy}. */
    public String confluentClassName() {
        return CONFLUENT_PACKAGE + shortName;
    }

    /**
     * Reads a configured value: Confluent's class name, its short name ({@code RecordNameStrategy}), or this
     * enum's constant name ({@code RECORD_NAME}); {@code null} or blank means {@link #TOPIC_NAME}.
     *
     * @throws ConfigException for anything else, naming the accepted values
     */
    public static SubjectNameStrategy fromConfig(String key, Object value) {
        if (value == null || value.toString().isBlank()) {
            return TOPIC_NAME;
        }
        if (value instanceof SubjectNameStrategy s) {
            return s;
        }
        String v = value instanceof Class<?> c ? c.getName() : value.toString().trim();
        for (SubjectNameStrategy s : values()) {
            if (v.equals(s.confluentClassName()) || v.equals(s.shortName) || v.toUpperCase(Locale.ROOT).equals(s.name())) {
                return s;
            }
        }
        throw new ConfigException(key, v, "unknown subject name strategy; supported: "
                + CONFLUENT_PACKAGE + "{TopicNameStrategy,RecordNameStrategy,TopicRecordNameStrategy} or the short names");
    }
}

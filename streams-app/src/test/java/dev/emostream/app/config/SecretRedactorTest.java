package dev.emostream.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SecretRedactorTest {

    @Test
    @DisplayName("Kafka's password-typed keys are masked, also under a client or listener prefix")
    void kafkaPasswords() {
        for (String key : List.of("sasl.jaas.config", "ssl.keystore.password", "ssl.key.password",
                "ssl.truststore.password", "ssl.keystore.key", "producer.sasl.jaas.config",
                "main.consumer.ssl.keystore.password", "sasl.oauthbearer.client.credentials.client.secret")) {
            assertThat(SecretRedactor.redact(key, "s3cr3t")).as(key).isEqualTo(SecretRedactor.HIDDEN);
        }
    }

    @Test
    @DisplayName("the schema-registry client's credentials and store passwords are masked")
    void registrySecrets() {
        for (String key : List.of("basic.auth.user.info", "bearer.auth.token", "schema.registry.ssl.truststore.password",
                "schema.registry.ssl.keystore.password", "schema.registry.ssl.key.password")) {
            assertThat(SecretRedactor.redact(key, "user:s3cr3t")).as(key).isEqualTo(SecretRedactor.HIDDEN);
        }
    }

    @Test
    @DisplayName("credentials written into a URL are masked, the rest of the URL is kept")
    void urlUserInfo() {
        assertThat(SecretRedactor.redact("schema.registry.url", "https://bob:s3cr3t@sr-1:8081,https://sr-2:8081/x"))
                .isEqualTo("https://[hidden]@sr-1:8081,https://sr-2:8081/x");
    }

    @Test
    @DisplayName("ordinary settings are shown as they are")
    void ordinary() {
        assertThat(SecretRedactor.redact(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "ssl.truststore.location", "/etc/kafka/ca.p12", "basic.auth.credentials.source", "USER_INFO",
                "bearer.auth.credentials.source", "STATIC_TOKEN")))
                .containsEntry("bearer.auth.credentials.source", "STATIC_TOKEN")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/kafka/ca.p12")
                .containsEntry("basic.auth.credentials.source", "USER_INFO");
    }
}

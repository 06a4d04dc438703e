package dev.emostream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExtraListenerTest {

    private static final String SCRAM_SERVER = "org.apache.kafka.common.security.scram.ScramLoginModule required;";

    @Test
    @DisplayName("an extra SCRAM-SHA-512 listener admits a user created over PLAINTEXT and refuses a wrong password")
    void scramListener() throws Exception {
        ExtraListener scram = new ExtraListener("scram", "SASL_PLAINTEXT", Map.of(
                "sasl.enabled.mechanisms", "SCRAM-SHA-512",
                "scram-sha-512.sasl.jaas.config", SCRAM_SERVER));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Map.of(), List.of(scram))) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("alice",
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "alice-secret"))).all().get();
            }

            try (Admin alice = Admin.create(client(broker.bootstrapServers("SCRAM"), "alice-secret"))) {
                assertThat(alice.describeCluster().nodes().get()).hasSize(1);
            }
            try (Admin mallory = Admin.create(client(broker.bootstrapServers("scram"), "guess"))) {
                assertThatThrownBy(() -> mallory.describeCluster().nodes().get())
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
        }
    }

    @Test
    @DisplayName("listener names the broker uses itself are refused")
    void reservedNames() {
        assertThatThrownBy(() -> new ExtraListener("controller", "SSL", Map.of()))
                .hasMessageContaining("taken");
    }

    private static Map<String, Object> client(String bootstrap, String password) {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"alice\" password=\"" + password + "\";",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    }
}

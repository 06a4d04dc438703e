package dev.emostream.schemas.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.embedded.junit.KafkaTestEnvironment;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.SampleRecords;
import dev.emostream.schemas.registry.CompatibilityLevel;
import dev.emostream.schemas.registry.IncompatibleSchemaException;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;

@ExtendWith(KafkaTestEnvironment.class)
class SchemaCompatibilityIT {

    @Test
    @DisplayName("once a subject is BACKWARD, the real registry rejects a new required field and accepts one with a default")
    void backwardRejectsRequiredField(EmbeddedEnvironment env) {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(env.registryUrl());
        String subject = env.uniqueTopic("faces.compat") + "-value";
        int v1 = client.register(subject, FaceFrame.getClassSchema());
        client.setCompatibility(subject, CompatibilityLevel.BACKWARD);

        assertThat(client.testCompatibility(subject, SampleRecords.faceFrameWithExtraField(false)).compatible()).isFalse();
        assertThatThrownBy(() -> client.register(subject, SampleRecords.faceFrameWithExtraField(false)))
                .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> {
                    assertThat(e.subject()).isEqualTo(subject);
                    assertThat(e.registryMessage()).isNotBlank();
                });

        int v2 = client.register(subject, SampleRecords.faceFrameWithExtraField(true));
        assertThat(v2).isNotEqualTo(v1);
        assertThat(client.register(subject, FaceFrame.getClassSchema())).as("re-registering v1 returns its id").isEqualTo(v1);
    }
}

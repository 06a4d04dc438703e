package dev.emostream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.SampleRecords;

class InMemorySchemaRegistryClientTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    @DisplayName("under BACKWARD, a new required field is rejected and a new field with a default is accepted")
    void backward() {
        registry.register("s", FaceFrame.getClassSchema());
        registry.setCompatibility("s", CompatibilityLevel.BACKWARD);

        assertThat(registry.testCompatibility("s", SampleRecords.faceFrameWithExtraField(false)).compatible()).isFalse();
        assertThatThrownBy(() -> registry.register("s", SampleRecords.faceFrameWithExtraField(false)))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("cameraAngle");
        assertThat(registry.register("s", SampleRecords.faceFrameWithExtraField(true))).isPositive();
    }

    @Test
    @DisplayName("equal schemas share one id across subjects, as in Confluent Schema Registry")
    void idsAreGlobal() {
        int a = registry.register("a-value", FaceFrame.getClassSchema());
        int b = registry.register("b-value", FaceFrame.getClassSchema());
        assertThat(a).isEqualTo(b);
        assertThat(registry.schemaById(a)).isEqualTo(FaceFrame.getClassSchema());
        assertThatThrownBy(() -> registry.schemaById(a + 100)).isInstanceOf(UnknownSchemaIdException.class);
    }
}

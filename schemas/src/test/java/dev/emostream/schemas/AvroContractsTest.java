package dev.emostream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroContractsTest {

    static Stream<Schema> records() {
        return Stream.of(FaceFrame.getClassSchema(), EmotionEvent.getClassSchema(), AccuracySnapshot.getClassSchema(),
                ModelControl.getClassSchema(), ArtifactChunk.getClassSchema(), RolloutRecord.getClassSchema(),
                RolloutEvidence.getClassSchema());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    @DisplayName("every record and every field is documented")
    void everythingHasDoc(Schema schema) {
        assertThat(schema.getDoc()).isNotBlank();
        assertThat(schema.getFields()).allSatisfy(f -> assertThat(f.doc()).as(schema.getName() + "." + f.name()).isNotBlank());
        assertThat(schema.getNamespace()).isEqualTo("dev.emostream.schemas");
    }

    @Test
    @DisplayName("Emotion symbols follow the Kaggle label order 0..6")
    void emotionOrder() {
        assertThat(Emotion.values()).extracting(Enum::name)
                .containsExactly("ANGRY", "DISGUST", "FEAR", "HAPPY", "SAD", "SURPRISE", "NEUTRAL");
        assertThat(Emotion.getClassSchema().getDoc()).isNotBlank();
    }

    @Test
    @DisplayName("optional fields default to null so that they can be added and removed compatibly")
    void optionalFieldsDefaultToNull() {
        for (Schema.Field f : List.of(FaceFrame.getClassSchema().getField("trueLabel"),
                EmotionEvent.getClassSchema().getField("trueLabel"),
                AccuracySnapshot.getClassSchema().getField("windowStart"),
                AccuracySnapshot.getClassSchema().getField("windowEnd"))) {
            assertThat(f.schema().getType()).as(f.name()).isEqualTo(Schema.Type.UNION);
            assertThat(f.schema().getTypes().get(0).getType()).isEqualTo(Schema.Type.NULL);
            assertThat(f.hasDefaultValue()).as(f.name()).isTrue();
            assertThat(f.defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
        }
    }

    @Test
    @DisplayName("times are timestamp-millis and surface as java.time.Instant")
    void timesAreInstants() {
        assertThat(FaceFrame.getClassSchema().getField("captureTime").schema().getLogicalType())
                .isEqualTo(LogicalTypes.timestampMillis());
        Instant t = SampleRecords.now();
        assertThat(SampleRecords.frame("f", null).getCaptureTime()).isInstanceOf(Instant.class);
        assertThat(AccuracySnapshot.newBuilder(SampleRecords.snapshot(true)).setUpdatedTime(t).build().getUpdatedTime()).isEqualTo(t);
    }
}

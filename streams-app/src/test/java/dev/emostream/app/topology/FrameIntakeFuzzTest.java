package dev.emostream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.app.testing.FaceFrameV1;
import dev.emostream.model.image.ImageLimits;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.InMemorySchemaRegistryClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The input path as a camera's bytes meet it: Confluent framing, Avro decoding against the writer schema the
 * registry holds for the id, and frame validation ({@link FrameIntake} with {@link FaceFrameValidator}). With the
 * registry up, any value must end in exactly one forward: a valid frame that honours the validator's promises, or a
 * dead letter carrying the original bytes and a reason. No exception may escape {@code process}: one would fail the
 * task and, since the record is read again, stop the partition for good.
 *
 * <p>The registry stand-in holds FaceFrame's first schema (id 1: raw gray only), an EmotionEvent (id 2: a different
 * record on the topic), an evolved FaceFrame (id 3) with nested arrays, maps, unions and a recursive record, so
 * mutations reach the payload guard's every branch, and today's FaceFrame (id 4: PNG, JPEG, face boxes), so they
 * reach the image decoder. The corpus ({@code FrameIntakeFuzzTestInputs/anyValueIsOneFrameOrOneDeadLetter/}) holds
 * valid frames for ids 1, 3 and 4 and one seed per dead-letter reason.
 */
class FrameIntakeFuzzTest {

    static final String TOPIC = "faces.cam-1";
    static final Schema EVOLVED = new Schema.Parser().parse("""
            {"type": "record", "name": "FaceFrame", "namespace": "dev.emostream.schemas", "fields": [
              {"name": "frameId", "type": "string"},
              {"name": "sourceId", "type": "string"},
              {"name": "captureTime", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "width", "type": "int"},
              {"name": "height", "type": "int"},
              {"name": "pixels", "type": "bytes"},
              {"name": "trueLabel", "type": ["null", {"type": "enum", "name": "Emotion",
                "symbols": ["ANGRY", "DISGUST", "FEAR", "HAPPY", "SAD", "SURPRISE", "NEUTRAL"]}], "default": null},
              {"name": "tags", "type": {"type": "array", "items": {"type": "map",
                "values": ["null", "string", "bytes", "long", "double"]}}, "default": []},
              {"name": "chain", "type": ["null", {"type": "record", "name": "Link", "fields": [
                {"name": "value", "type": "float"},
                {"name": "digest", "type": {"type": "fixed", "name": "Digest", "size": 4}},
                {"name": "next", "type": ["null", "Link"]}]}], "default": null}
            ]}""");

    private static FrameIntake intake;
    private static MockProcessorContext<byte[], Intake> context;

    @BeforeAll
    static void intake() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        assertThat(registry.register(TOPIC + "-value", FaceFrameV1.SCHEMA)).isEqualTo(1);
        assertThat(registry.register("emotions-value", EmotionEvent.getClassSchema())).isEqualTo(2);
        assertThat(registry.register("faces.evolved-value", EVOLVED)).isEqualTo(3);
        assertThat(registry.register(TOPIC + "-value", FaceFrame.getClassSchema())).isEqualTo(4);
        intake = new FrameIntake(registry, java.util.Map.of(), new FaceFrameValidator(ImageLimits.defaults(
                TopologySettings.DEFAULT_MIN_SIZE, TopologySettings.DEFAULT_MAX_SIZE)),
                new AppMetrics(new SimpleMeterRegistry()));
        context = new MockProcessorContext<>();
        context.setRecordMetadata(TOPIC, 0, 42);
        context.setCurrentSystemTimeMs(2_000L);
        intake.init(context);
    }

    @FuzzTest(maxDuration = "2m")
    void anyValueIsOneFrameOrOneDeadLetter(byte[] value) {
        context.resetForwards();

        intake.process(new Record<>("cam-1".getBytes(StandardCharsets.UTF_8), value, 1_000L, new RecordHeaders()));

        List<MockProcessorContext.CapturedForward<? extends byte[], ? extends Intake>> out = context.forwarded();
        assertThat(out).hasSize(1);
        Intake result = out.get(0).record().value();
        if (result instanceof Intake.Valid valid) {
            ValidFrame frame = valid.frame();
            assertThat(frame.width()).isBetween(TopologySettings.DEFAULT_MIN_SIZE, TopologySettings.DEFAULT_MAX_SIZE);
            assertThat(frame.height()).isBetween(TopologySettings.DEFAULT_MIN_SIZE, TopologySettings.DEFAULT_MAX_SIZE);
            assertThat(frame.pixels()).hasSize(frame.width() * frame.height());
            assertThat(frame.frameId()).isNotBlank();
            assertThat(frame.sourceId()).isNotBlank();
        } else {
            Intake.Rejected rejected = (Intake.Rejected) result;
            assertThat(rejected.original()).isSameAs(value);
            Header reason = out.get(0).record().headers().lastHeader(DeadLetterHeaders.REASON);
            assertThat(reason).isNotNull();
            assertThat(RejectReason.valueOf(new String(reason.value(), StandardCharsets.UTF_8))).isNotNull();
            assertThat(out.get(0).record().headers().lastHeader(DeadLetterHeaders.MESSAGE)).isNotNull();
        }
    }
}

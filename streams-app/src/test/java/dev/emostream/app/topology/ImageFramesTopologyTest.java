package dev.emostream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.app.model.ModelHolder;
import dev.emostream.app.model.ServingModel;
import dev.emostream.app.replay.FrameFormat;
import dev.emostream.app.testing.FaceFrameV1;
import dev.emostream.app.testing.StandInClassifier;
import dev.emostream.model.Emotion;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.image.FaceEncoder;
import dev.emostream.model.image.ImageEncoding;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceBox;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.InMemorySchemaRegistryClient;
import dev.emostream.schemas.serde.AvroSerde;
import dev.emostream.schemas.serde.AvroSerializer;

/** The topology with frames as cameras send them: both schema versions, PNG, JPEG, face boxes, and bad images. */
@DisplayName("EmotionTopology with image frames")
class ImageFramesTopologyTest {

    private static final String INPUT = "faces.cam-1";
    private static final byte[] KEY = "cam-1".getBytes();

    @TempDir
    Path stateDir;

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(registry);
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], EmotionEvent> emotions;
    private TestOutputTopic<byte[], byte[]> rejected;

    @BeforeEach
    void start() {
        TopologySettings settings = TopologySettings.defaults().withBatch(1, Duration.ofMillis(100));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "image-frames-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        ModelHolder models = new ModelHolder(ServingModel.shared(new StandInClassifier("v1"), "test"));
        driver = new TopologyTestDriver(EmotionTopology.build(settings, models, registry, AppMetrics.inMemory(),
                Runnable::run), props);
        input = driver.createInputTopic(INPUT, new ByteArraySerializer(), new ByteArraySerializer());
        emotions = driver.createOutputTopic(settings.emotionsTopic(), new ByteArrayDeserializer(),
                AvroSerde.forValues(EmotionEvent.class, registry).deserializer());
        rejected = driver.createOutputTopic(settings.rejectedTopic(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    /** A face whose first pixel makes the stand-in classifier predict {@code predicted}. */
    private static FaceImage face(Emotion predicted) {
        byte[] px = new byte[48 * 48];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (60 + i % 48 + i / 48);
        }
        px[0] = (byte) (7 * 20 + predicted.code());
        return new FaceImage(48, 48, px);
    }

    private static FaceFrame frame(String id, FrameFormat format, FaceImage face, long index) {
        FaceFrame.Builder b = FaceFrame.newBuilder().setFrameId(id).setSourceId("cam-1")
                .setCaptureTime(java.time.Instant.ofEpochMilli(1_700_000_000_000L)).setTrueLabel(null);
        return format.encode(face, index).writeTo(b).build();
    }

    private void send(FaceFrame frame) {
        input.pipeInput(KEY, serializer.serialize(INPUT, frame));
    }

    private List<EmotionEvent> events() {
        driver.advanceWallClockTime(Duration.ofMillis(200));
        return emotions.readValuesToList();
    }

    @Test
    @DisplayName("a frame written with FaceFrame's first schema and one with today's, on one topic, are both classified")
    void bothSchemaVersions() {
        FaceImage face = face(Emotion.SAD);
        input.pipeInput(KEY, FaceFrameV1.serialize(registry, INPUT + "-value", "old-1", "cam-1", 48, 48, face.pixels(),
                "SAD"));
        send(frame("new-1", new FrameFormat(ImageEncoding.PNG, true, 0.9f), face, 3));

        assertThat(events()).extracting(e -> e.getFrameId() + " " + e.getPredicted())
                .containsExactly("old-1 SAD", "new-1 SAD");
        assertThat(rejected.isEmpty()).isTrue();
    }

    @Test
    @DisplayName("raw, PNG and JPEG faces, alone and in 640x480 frames with a box at varying places, are all classified; "
            + "PNG and boxes give the model the face's exact pixels")
    void everyFormatIsClassified() {
        FaceImage face = face(Emotion.SURPRISE);
        int n = 0;
        for (ImageEncoding encoding : ImageEncoding.values()) {
            for (boolean box : new boolean[]{false, true}) {
                send(frame(encoding + "-" + box, new FrameFormat(encoding, box, 0.9f), face, n++));
            }
        }
        List<EmotionEvent> events = events();
        assertThat(events).hasSize(6);
        assertThat(events).filteredOn(e -> !e.getFrameId().startsWith("JPEG"))
                .extracting(e -> e.getPredicted().name()).containsOnly("SURPRISE");
        assertThat(rejected.isEmpty()).isTrue();
    }

    static Stream<Arguments> badImages() {
        FaceImage face = face(Emotion.HAPPY);
        byte[] png = FaceEncoder.encode(FaceEncoder.gray(face), ImageEncoding.PNG, 0);
        byte[] jpeg = FaceEncoder.encode(FaceEncoder.gray(face), ImageEncoding.JPEG, 0.9f);
        return Stream.of(
                bad("IMAGE_BYTES_TOO_LARGE", "RAW of 4194305 bytes exceeds the limit of 4194304",
                        f -> f.setPixels(ByteBuffer.wrap(new byte[(4 << 20) + 1]))),
                bad("IMAGE_TOO_LARGE", "PNG header's 20000x20000 exceeds 4096x4096",
                        f -> png(f, withPngSize(png, 20000, 20000))),
                bad("IMAGE_TOO_LARGE", "JPEG 20000x20000 exceeds 4096x4096",
                        f -> jpeg(f, jpeg).setWidth(20000).setHeight(20000)),
                bad("UNSUPPORTED_IMAGE", "not a PNG file: it starts 47 49 46 38",
                        f -> png(f, "GIF89a, not a PNG".getBytes())),
                bad("FACE_BOX_OUTSIDE_IMAGE", "face box 48x48 at (10,0) leaves the 48x48 image",
                        f -> png(f, png).setFaceBox(new FaceBox(10, 0, 48, 48))),
                bad("TRUNCATED_IMAGE", "JPEG", f -> jpeg(f, Arrays.copyOf(jpeg, jpeg.length / 2))),
                bad("CORRUPT_IMAGE", "PNG cannot be decoded", f -> png(f, brokenZlib(png))),
                bad("SIZE_MISMATCH", "PNG header says 48x48, the record 64x64",
                        f -> png(f, png).setWidth(64).setHeight(64)),
                bad("SIZE_OUT_OF_BOUNDS", "face box 4x4 is outside the accepted 8..1024 pixels a side",
                        f -> png(f, png).setFaceBox(new FaceBox(0, 0, 4, 4))));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badImages")
    @DisplayName("each bad image is dead-lettered with its reason and the values, and the next frame is classified")
    void badImageThenGoodFrame(String reason, String message, Function<FaceFrame.Builder, FaceFrame.Builder> spoil) {
        FaceFrame.Builder bad = FaceFrame.newBuilder(frame("bad", FrameFormat.RAW, face(Emotion.HAPPY), 0));
        send(spoil.apply(bad).build());
        send(frame("good", new FrameFormat(ImageEncoding.PNG, false, 0.9f), face(Emotion.FEAR), 0));

        List<TestRecord<byte[], byte[]>> dead = rejected.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.REASON)).isEqualTo(reason);
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.MESSAGE))
                .startsWith("frame bad from faces.cam-1: ").contains(message);
        assertThat(events()).extracting(e -> e.getFrameId() + " " + e.getPredicted()).containsExactly("good FEAR");
    }

    private static Arguments bad(String reason, String message, Function<FaceFrame.Builder, FaceFrame.Builder> spoil) {
        return Arguments.of(reason, message, spoil);
    }

    private static FaceFrame.Builder png(FaceFrame.Builder f, byte[] bytes) {
        return f.setEncoding(dev.emostream.schemas.ImageEncoding.PNG).setPixels(ByteBuffer.wrap(bytes));
    }

    private static FaceFrame.Builder jpeg(FaceFrame.Builder f, byte[] bytes) {
        return f.setEncoding(dev.emostream.schemas.ImageEncoding.JPEG).setPixels(ByteBuffer.wrap(bytes));
    }

    /** The PNG with its IHDR's size replaced and the chunk's CRC recomputed: a small file declaring a huge image. */
    private static byte[] withPngSize(byte[] png, int width, int height) {
        byte[] out = png.clone();
        ByteBuffer.wrap(out).putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(out, 12, 17);
        ByteBuffer.wrap(out).putInt(29, (int) crc.getValue());
        return out;
    }

    /** The PNG with its image data's zlib header zeroed: the file is complete, its pixels cannot be inflated. */
    private static byte[] brokenZlib(byte[] png) {
        byte[] out = png.clone();
        for (int i = 8; i + 8 < out.length; i++) {
            if (out[i] == 'I' && out[i + 1] == 'D' && out[i + 2] == 'A' && out[i + 3] == 'T') {
                out[i + 4] = 0;
                out[i + 5] = 0;
                return out;
            }
        }
        throw new IllegalArgumentException("no IDAT chunk");
    }
}

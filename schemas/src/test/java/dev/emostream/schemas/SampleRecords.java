package dev.emostream.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.avro.Schema;

/** Valid records of every contract type, for tests. */
public final class SampleRecords {

    private SampleRecords() {
    }

    /** timestamp-millis keeps milliseconds only: a sample with nanoseconds would not round-trip equal. */
    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    public static FaceFrame frame(String frameId, Emotion label) {
        byte[] pixels = new byte[48 * 48];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 31);
        }
        return FaceFrame.newBuilder()
                .setFrameId(frameId)
                .setSourceId("cam-7")
                .setCaptureTime(now())
                .setWidth(48)
                .setHeight(48)
                .setPixels(ByteBuffer.wrap(pixels))
                .setTrueLabel(label)
                .build();
    }

    public static EmotionEvent event(String frameId) {
        List<Float> scores = List.of(0.05f, 0.01f, 0.04f, 0.7f, 0.1f, 0.05f, 0.05f);
        return EmotionEvent.newBuilder()
                .setFrameId(frameId)
                .setSourceId("cam-7")
                .setCaptureTime(now().minusMillis(40))
                .setClassifiedTime(now())
                .setPredicted(Emotion.HAPPY)
                .setConfidence(0.7f)
                .setScores(scores)
                .setModelVersion("resnet-light-2024.1")
                .setTrueLabel(Emotion.HAPPY)
                .build();
    }

    public static AccuracySnapshot snapshot(boolean windowed) {
        List<Long> confusion = new ArrayList<>(Collections.nCopies(49, 0L));
        confusion.set(3 * 7 + 3, 5L);
        confusion.set(4 * 7 + 3, 2L);
        Instant now = now();
        return AccuracySnapshot.newBuilder()
                .setModelVersion("resnet-light-2024.1")
                .setScope("source:cam-7")
                .setSeen(10)
                .setLabeled(7)
                .setCorrect(5)
                .setAccuracy(5.0 / 7)
                .setConfusion(confusion)
                .setWindowStart(windowed ? now.minusSeconds(60) : null)
                .setWindowEnd(windowed ? now : null)
                .setUpdatedTime(now)
                .build();
    }

    /** FaceFrame's schema plus an int field {@code cameraAngle}, with or without a default: a schema change to test compatibility rules with. */
    public static Schema faceFrameWithExtraField(boolean withDefault) {
        Schema current = FaceFrame.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("cameraAngle", Schema.create(Schema.Type.INT), "camera tilt in degrees", withDefault ? 0 : null));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }
}

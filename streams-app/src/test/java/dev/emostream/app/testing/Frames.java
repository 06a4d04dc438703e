package dev.emostream.app.testing;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.FaceFrame;

/** FaceFrames for tests. */
public final class Frames {

    private Frames() {
    }

    /** A 48x48 frame whose first pixel makes {@link StandInClassifier} predict {@code predicted}. */
    public static FaceFrame frame(String id, String source, dev.emostream.model.Emotion predicted, Emotion label) {
        byte[] pixels = new byte[48 * 48];
        Arrays.fill(pixels, (byte) 100);
        pixels[0] = (byte) predicted.code();
        return frame(id, source, 48, 48, pixels, label);
    }

    public static FaceFrame frame(String id, String source, int w, int h, byte[] pixels, Emotion label) {
        return FaceFrame.newBuilder()
                .setFrameId(id)
                .setSourceId(source)
                .setCaptureTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setWidth(w)
                .setHeight(h)
                .setPixels(ByteBuffer.wrap(pixels))
                .setTrueLabel(label)
                .build();
    }
}

package dev.emostream.app.topology;

import java.nio.ByteBuffer;
import java.util.Optional;

import dev.emostream.model.Emotion;
import dev.emostream.schemas.FaceFrame;

/**
 * Checks what the Avro schema cannot: non-empty ids, sizes within bounds, one byte per pixel, a label among the
 * seven classes. A frame that passes can be classified without further checks.
 */
public final class FaceFrameValidator {

    private final int minSize;
    private final int maxSize;

    public FaceFrameValidator(int minSize, int maxSize) {
        this.minSize = minSize;
        this.maxSize = maxSize;
    }

    /** The frame as a {@link ValidFrame}, or the reason it is not one. */
    public Result validate(FaceFrame frame, String topic) {
        String where = "frame " + frame.getFrameId() + " from " + topic;
        if (frame.getFrameId() == null || frame.getFrameId().isBlank()) {
            return Result.rejected(RejectReason.MISSING_FIELD, "frame from " + topic + " (source "
                    + frame.getSourceId() + "): empty frameId");
        }
        if (frame.getSourceId() == null || frame.getSourceId().isBlank()) {
            return Result.rejected(RejectReason.MISSING_FIELD, where + ": empty sourceId");
        }
        int w = frame.getWidth();
        int h = frame.getHeight();
        if (w < minSize || w > maxSize || h < minSize || h > maxSize) {
            return Result.rejected(RejectReason.SIZE_OUT_OF_BOUNDS, where + ": " + w + "x" + h
                    + " is outside the accepted " + minSize + ".." + maxSize + " pixels a side");
        }
        ByteBuffer pixels = frame.getPixels();
        int actual = pixels == null ? 0 : pixels.remaining();
        if (actual != w * h) {
            return Result.rejected(RejectReason.SIZE_MISMATCH, where + ": " + actual + " pixels, expected " + w + "x"
                    + h + " = " + (w * h));
        }
        Emotion label = null;
        if (frame.getTrueLabel() != null) {
            int code = frame.getTrueLabel().ordinal();
            // the schema's enum could gain a symbol the model has no class for; such a label cannot be scored
            if (code >= Emotion.COUNT || !frame.getTrueLabel().name().equals(Emotion.fromCode(code).name())) {
                return Result.rejected(RejectReason.LABEL_OUT_OF_RANGE, where + ": label " + frame.getTrueLabel()
                        + " is not one of " + Emotion.names());
            }
            label = Emotion.fromCode(code);
        }
        byte[] bytes = new byte[actual];
        pixels.duplicate().get(bytes);
        return Result.valid(new ValidFrame(frame.getFrameId(), frame.getSourceId(),
                frame.getCaptureTime().toEpochMilli(), w, h, bytes, label));
    }

    /** Exactly one of {@code frame} and {@code rejection} is set. */
    public record Result(ValidFrame frame, Rejection rejection) {
        static Result valid(ValidFrame frame) {
            return new Result(frame, null);
        }

        static Result rejected(RejectReason reason, String message) {
            return new Result(null, new Rejection(reason, message));
        }

        public Optional<Rejection> rejected() {
            return Optional.ofNullable(rejection);
        }
    }
}

package dev.emostream.app.topology;

import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.ConfigException;

import dev.emostream.model.Emotion;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.image.FaceBox;
import dev.emostream.model.image.FaceDecoder;
import dev.emostream.model.image.ImageEncoding;
import dev.emostream.model.image.ImageLimits;
import dev.emostream.model.image.ImageRejectedException;
import dev.emostream.schemas.FaceFrame;

/**
 * Checks what the Avro schema cannot (non-empty ids, a label among the seven classes) and turns the frame's image
 * into its face with the model's {@link FaceDecoder}: raw, PNG or JPEG, the box cropped, color to luma, each size and
 * limit checked before anything is decoded. A frame that passes can be classified without further checks.
 *
 * <p>Holds a decoder, whose readers keep state: one validator per stream task (the intake's processor), closed with it.
 */
public final class FaceFrameValidator implements AutoCloseable {

    public static final String IMAGE_MAX_BYTES = "image.max.bytes";
    public static final String IMAGE_MAX_SIZE = "image.max.size";
    public static final String IMAGE_MAX_PIXELS = "image.max.pixels";

    private final FaceDecoder decoder;

    public FaceFrameValidator(ImageLimits limits) {
        this.decoder = new FaceDecoder(limits);
    }

    /**
     * The limits the app's properties set ({@link #IMAGE_MAX_BYTES}, {@link #IMAGE_MAX_SIZE}, {@link #IMAGE_MAX_PIXELS},
     * each with its default when absent) with the settings' face bounds ({@code frame.min.size}, {@code frame.max.size}).
     */
    public static ImageLimits limits(TopologySettings settings, Map<String, ?> properties) {
        int bytes = (int) number(properties, IMAGE_MAX_BYTES, ImageLimits.DEFAULT_MAX_BYTES, Integer.MAX_VALUE);
        int size = (int) number(properties, IMAGE_MAX_SIZE, ImageLimits.DEFAULT_MAX_SIZE, Integer.MAX_VALUE);
        long pixels = number(properties, IMAGE_MAX_PIXELS, ImageLimits.DEFAULT_MAX_PIXELS, Integer.MAX_VALUE);
        return new ImageLimits(bytes, size, pixels, settings.minFrameSize(), settings.maxFrameSize());
    }

    private static long number(Map<String, ?> properties, String key, long fallback, long max) {
        Object v = properties.get(key);
        if (v == null || v.toString().isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.toString().trim());
            if (n < 1 || n > max) {
                throw new ConfigException(key, v, "must be 1.." + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "not an integer");
        }
    }

    /** The frame as a {@link ValidFrame} (its face), or the reason it is not one. */
    public Result validate(FaceFrame frame, String topic) {
        String where = "frame " + frame.getFrameId() + " from " + topic;
        if (frame.getFrameId() == null || frame.getFrameId().isBlank()) {
            return Result.rejected(RejectReason.MISSING_FIELD, "frame from " + topic + " (source "
                    + frame.getSourceId() + "): empty frameId");
        }
        if (frame.getSourceId() == null || frame.getSourceId().isBlank()) {
            return Result.rejected(RejectReason.MISSING_FIELD, where + ": empty sourceId");
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
        FaceImage face;
        try {
            face = decoder.decode(encoding(frame), frame.getPixels(), frame.getWidth(), frame.getHeight(), box(frame));
        } catch (ImageRejectedException e) {
            return Result.rejected(RejectReason.of(e.problem()), where + ": " + e.getMessage());
        }
        return Result.valid(new ValidFrame(frame.getFrameId(), frame.getSourceId(),
                frame.getCaptureTime().toEpochMilli(), face.width(), face.height(), face.pixels(), label));
    }

    /** Both enums list the same symbols; a record written before the field existed reads as RAW (its default). */
    private static ImageEncoding encoding(FaceFrame frame) {
        return ImageEncoding.valueOf(frame.getEncoding().name());
    }

    private static FaceBox box(FaceFrame frame) {
        var b = frame.getFaceBox();
        return b == null ? null : new FaceBox(b.getX(), b.getY(), b.getWidth(), b.getHeight());
    }

    @Override
    public void close() {
        decoder.close();
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

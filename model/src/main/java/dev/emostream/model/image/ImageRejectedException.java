package dev.emostream.model.image;

/** An image the decoder refuses: what is wrong with it ({@link Problem}) and the offending values, in words. */
public final class ImageRejectedException extends RuntimeException {

    /** Stable names: the app writes them as dead-letter reasons. */
    public enum Problem {
        /** More bytes than {@link ImageLimits#maxBytes()}. */
        IMAGE_BYTES_TOO_LARGE,
        /** Width, height or pixel count (the record's or the file header's) above the limits: a decompression bomb. */
        IMAGE_TOO_LARGE,
        /** The bytes are not a file of the declared encoding, or a variant the decoder does not read (e.g. CMYK). */
        UNSUPPORTED_IMAGE,
        /** The face box has no pixels or leaves the image. */
        FACE_BOX_OUTSIDE_IMAGE,
        /** The file ends before the face's pixels do. */
        TRUNCATED_IMAGE,
        /** The file is damaged in another way. */
        CORRUPT_IMAGE,
        /** RAW: the byte count is not width x height; PNG, JPEG: the header's size is not the record's. */
        SIZE_MISMATCH,
        /** The face (the box, or the whole image) is smaller or larger than the accepted face sizes. */
        SIZE_OUT_OF_BOUNDS
    }

    private final Problem problem;

    public ImageRejectedException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public ImageRejectedException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}

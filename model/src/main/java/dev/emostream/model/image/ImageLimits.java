package dev.emostream.model.image;

/**
 * What {@link FaceDecoder} accepts, checked before it allocates anything in proportion to the image.
 *
 * @param maxBytes  the most bytes an image may have, raw or encoded
 * @param maxSize   the widest and highest image, in pixels (the record's and the file header's)
 * @param maxPixels the most pixels an image may have (width x height)
 * @param minFace   the smallest face (the box, or the whole image without one), pixels a side
 * @param maxFace   the largest face, pixels a side: what is decoded, so it bounds the memory a frame takes
 */
public record ImageLimits(int maxBytes, int maxSize, long maxPixels, int minFace, int maxFace) {

    /** 4 MiB: a 4K JPEG at high quality; Kafka's default message limit (1 MB) is lower still. */
    public static final int DEFAULT_MAX_BYTES = 4 << 20;
    /** 4096 a side and 4096 x 4096 pixels: above any camera frame a face detector works on. */
    public static final int DEFAULT_MAX_SIZE = 4096;
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096;

    public ImageLimits {
        if (maxBytes < 1 || maxSize < 1 || maxPixels < 1) {
            throw new IllegalArgumentException("image limits must be >= 1, got " + maxBytes + " bytes, "
                    + maxSize + " pixels a side, " + maxPixels + " pixels");
        }
        if (minFace < 1 || maxFace < minFace) {
            throw new IllegalArgumentException("face size bounds must satisfy 1 <= min <= max, got " + minFace
                    + ".." + maxFace);
        }
    }

    /** The default image limits with these face bounds. */
    public static ImageLimits defaults(int minFace, int maxFace) {
        return new ImageLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_SIZE, DEFAULT_MAX_PIXELS, minFace, maxFace);
    }
}

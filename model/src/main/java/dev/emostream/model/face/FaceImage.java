package dev.emostream.model.face;

import java.util.Arrays;

/**
 * An 8-bit grayscale image, row-major, top-left first. The array is not copied: callers hand over
 * ownership, which keeps the per-frame path free of copies.
 */
public record FaceImage(int width, int height, byte[] pixels) {

    public static final int FER_SIZE = 48;

    public FaceImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (pixels == null || pixels.length != width * height) {
            throw new IllegalArgumentException("image of " + width + "x" + height + " needs " + width * height
                    + " pixels, got " + (pixels == null ? "none" : pixels.length));
        }
    }

    /** The pixel at (x, y) as 0..255. */
    public int at(int x, int y) {
        return pixels[y * width + x] & 0xFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FaceImage f && f.width == width && f.height == height && Arrays.equals(f.pixels, pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "FaceImage[" + width + "x" + height + "]";
    }
}
